"""The packaged Lambda zip answers under the official runtime interface client, in a clean process.

``python -S -m awslambdaric <handler>`` with ``PYTHONPATH`` = the unzipped package, then a stand-in for
the runtime's own directory (awslambdaric and the AWS SDK, nothing else): no site-packages at all, so
Strands, pydantic and every other dependency must come from the zip. The runtime client talks to
``RuntimeAPI`` (tests/packaging/runtime_api.py) over the documented HTTP interface.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaffold.packaging import Artifact

from .lambda_env import lambda_runtime_dir
from .runtime_api import RuntimeAPI

pytestmark = pytest.mark.slow

EVENTS = Path(__file__).parent.parent / "events"


@pytest.fixture(scope="module")
def unzipped(x86_artifact: Artifact, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("var-task")
    with zipfile.ZipFile(x86_artifact.path) as archive:
        archive.extractall(root)
    return root


@pytest.fixture(scope="module")
def runtime_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return lambda_runtime_dir(tmp_path_factory.mktemp("var-runtime"))


def clean_env(task: Path, runtime: Path, tmp: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": f"{task}:{runtime}",  # /var/task first, then the runtime's directory, as on Lambda
        "PYTHONDONTWRITEBYTECODE": "1",  # /var/task is read-only on Lambda
        "LAMBDA_TASK_ROOT": str(task),
        "AWS_LAMBDA_FUNCTION_NAME": "packaged-agent",
        "AWS_REGION": "us-east-1",
        "AGENT_SESSION_DIR": str(tmp / "sessions"),
        **extra,
    }


def test_dependencies_are_imported_from_the_zip(unzipped: Path, runtime_dir: Path, tmp_path: Path) -> None:
    probe = (
        "import json, sys, strands, pydantic_core, agent_scaffold_runtime as runtime, boto3; "
        "print(json.dumps({m.__name__: m.__file__ for m in (strands, pydantic_core, runtime, boto3)}"
        " | {'path': sys.path}))"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", probe], env=clean_env(unzipped, runtime_dir, tmp_path),
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    found = json.loads(done.stdout)
    for module in ("strands", "pydantic_core", "agent_scaffold_runtime"):
        assert found[module].startswith(str(unzipped)), found
    assert found["boto3"].startswith(str(runtime_dir))  # left out of the zip: the runtime's copy
    assert not any("site-packages" in entry for entry in found["path"])


@pytest.fixture()
def runtime(
    unzipped: Path, runtime_dir: Path, x86_artifact: Artifact, tmp_path: Path
) -> Iterator[RuntimeAPI]:
    with RuntimeAPI() as api:
        env = clean_env(unzipped, runtime_dir, tmp_path, AWS_LAMBDA_RUNTIME_API=api.address)
        with (tmp_path / "runtime.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-S", "-m", "awslambdaric", x86_artifact.entrypoint],
                env=env, cwd=unzipped, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                yield api
            finally:
                process.kill()
                process.wait(timeout=10)
        assert not api.init_errors, (tmp_path / "runtime.log").read_text()


def function_url_event(body: str) -> dict[str, object]:
    event = json.loads((EVENTS / "function_url.json").read_text())
    event["body"] = body
    return event


def test_a_function_url_event_gets_the_offline_answer(runtime: RuntimeAPI) -> None:
    outcome = runtime.invoke(function_url_event(json.dumps({"prompt": "Hello from a zip"})))
    assert outcome.kind == "response", outcome.body
    assert outcome.body["statusCode"] == 200
    reply = json.loads(outcome.body["body"])
    assert reply["text"] == "You said: Hello from a zip"


def test_a_malformed_event_is_a_400_json_response_not_a_runtime_error(runtime: RuntimeAPI) -> None:
    outcome = runtime.invoke(function_url_event("{this is not json"))
    assert outcome.kind == "response", outcome.body  # answered by the handler, not posted to /error
    assert outcome.body["statusCode"] == 400
    assert json.loads(outcome.body["body"])["code"] == "invalid_json"
