"""Build and push the image on AWS CodeBuild, for machines without a Docker engine.

The context is zipped reproducibly, uploaded to ``s3://<bucket>/scaffold/contexts/<sha256>.zip`` (skipped
when that key already exists: the name is the content), and built by the user's CodeBuild project with an
overridden buildspec on a native builder of the image's architecture (Graviton for arm64, so no emulation).
The project's service role must be able to read the bucket and push to the repository.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..aws_idioms import if_found, wait_until
from .archive import Entry, write_zip
from .container import ContainerContext
from .errors import PackagingError
from .image_build import CodeBuildOptions
from .progress import Steps

BUILDSPEC = """\
version: 0.2
phases:
  pre_build:
    commands:
      - aws ecr get-login-password | docker login --username AWS --password-stdin "${IMAGE_URI%%/*}"
  build:
    commands:
      - docker build --platform "$PLATFORM" -t "$IMAGE_URI" .
  post_build:
    commands:
      - docker push "$IMAGE_URI"
"""

ENVIRONMENTS = {  # platform -> (environment type, image)
    "linux/arm64": ("ARM_CONTAINER", "aws/codebuild/amazonlinux2-aarch64-standard:3.0"),
    "linux/amd64": ("LINUX_CONTAINER", "aws/codebuild/amazonlinux2-x86_64-standard:5.0"),
}
_DONE = {"SUCCEEDED", "FAILED", "FAULT", "STOPPED", "TIMED_OUT"}


def build_with_codebuild(
    context: ContainerContext,
    options: CodeBuildOptions,
    steps: Steps,
    session: Any = None,
    poll_seconds: float = 10,
    timeout: float = 3600,
) -> str:
    import boto3

    session = session or boto3.Session()
    s3, builds = session.client("s3"), session.client("codebuild")
    assert options.project and options.bucket and options.repository  # checked by image_build.codebuild
    image = f"{options.repository}:{context.tag}"
    key = f"scaffold/contexts/{context.sha256}.zip"
    with steps.step(f"Uploading the build context to s3://{options.bucket}/{key}"):
        _upload_once(s3, context.path, options.bucket, key)
    kind, builder = ENVIRONMENTS[context.platform]
    started = builds.start_build(
        projectName=options.project,
        sourceTypeOverride="S3",
        sourceLocationOverride=f"{options.bucket}/{key}",
        buildspecOverride=BUILDSPEC,
        environmentTypeOverride=kind,
        imageOverride=builder,
        computeTypeOverride="BUILD_GENERAL1_SMALL",
        privilegedModeOverride=True,
        environmentVariablesOverride=[
            {"name": "IMAGE_URI", "value": image, "type": "PLAINTEXT"},
            {"name": "PLATFORM", "value": context.platform, "type": "PLAINTEXT"},
        ],
    )["build"]
    with steps.step(f"Building {image} on CodeBuild ({started['id']})"):
        final = _wait(builds, started["id"], poll_seconds, timeout)
    if final.get("buildStatus") != "SUCCEEDED":
        logs = final.get("logs", {}).get("deepLink", "the CodeBuild console")
        raise PackagingError(
            f"The CodeBuild build {started['id']} ended {final.get('buildStatus')}; see {logs}."
        )
    return image


def _upload_once(s3: Any, context: Path, bucket: str, key: str) -> None:
    # Not there yet, or not readable (the upload then says why).
    if (
        if_found(s3.head_object, also=("403", "AccessDenied", "Forbidden"), Bucket=bucket, Key=key)
        is not None
    ):
        return
    entries = [
        Entry(path.relative_to(context).as_posix(), path, bool(path.stat().st_mode & 0o111))
        for path in context.rglob("*")
        if path.is_file()
    ]
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "context.zip"
        write_zip(entries, archive)
        # Upload on the calling thread: a failure then surfaces here (s3transfer's worker threads would
        # swallow it), so a deploy stops at this step and its rerun resumes from it.
        from boto3.s3.transfer import TransferConfig

        s3.upload_file(str(archive), bucket, key, Config=TransferConfig(use_threads=False))


def _wait(builds: Any, build_id: str, poll_seconds: float, timeout: float) -> dict[str, Any]:
    latest: dict[str, Any] = {}

    def status() -> str:
        latest.update(builds.batch_get_builds(ids=[build_id])["builds"][0])
        return str(latest.get("buildStatus"))

    wait_until(f"CodeBuild build {build_id}", status, ready=_DONE, timeout_s=timeout, interval_s=poll_seconds)
    return latest
