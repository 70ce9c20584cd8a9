"""A stand-in for what the Lambda Python runtime puts next to a function's code.

Lambda runs ``/var/task`` (the unzipped package) first on ``sys.path``, then the runtime's own directory
with ``awslambdaric`` and the AWS SDK (boto3, botocore, s3transfer and their dependencies): that is why the
Lambda zip leaves boto3 out. The stand-in copies exactly those distributions, file by file as their
``RECORD`` lists them, from the test environment into a directory of their own, so nothing else from the
test environment (Strands, pydantic, ...) can leak into the packaged function's imports.
"""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

RUNTIME_DISTRIBUTIONS = (
    "awslambdaric",
    "simplejson",
    "snapshot-restore-py",
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
)


def lambda_runtime_dir(destination: Path) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_DISTRIBUTIONS:
        dist = metadata.distribution(name)
        for file in dist.files or ():
            if file.parts[0] in ("..", "bin") or "__pycache__" in file.parts:
                continue
            source = Path(str(dist.locate_file(file)))
            if source.is_file():
                target = destination / Path(*file.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    return destination
