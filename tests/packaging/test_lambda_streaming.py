"""A streaming Lambda zip, run the way the Lambda Web Adapter runs it: ``run.sh`` from the unzipped package.

On Lambda the adapter's exec wrapper starts the handler (``run.sh``) with the function's environment, waits
for ``/ping`` and forwards function URL requests to the server over loopback, streaming its response. Here
the same script starts in a clean process (only the zip and the runtime's own directory importable), and a
real HTTP client plays the adapter's part.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scaffold.packaging import Artifact, build_artifact
from scaffold.project import Project

from ..support.processes import wait_for_ping
from ..support.servers import free_port
from .conftest import HOST_PYTHON, generate
from .test_lambda_runtime import clean_env, runtime_dir

pytestmark = pytest.mark.slow
__all__ = ["runtime_dir"]  # fixture shared with test_lambda_runtime
PROMPT = "Hello there from a streaming function"


@pytest.fixture(scope="module")
def stream_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return generate(
        tmp_path_factory.mktemp("stream"), "stream-agent", targets=["lambda"], lambda_streaming=True
    )


@pytest.fixture(scope="module")
def stream_artifact(stream_project: Project) -> Artifact:
    return build_artifact(stream_project, "lambda", arch="x86_64", python_version=HOST_PYTHON)


@pytest.fixture(scope="module")
def task_root(stream_artifact: Artifact, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("var-task-stream")
    with zipfile.ZipFile(stream_artifact.path) as archive:
        archive.extractall(root)
        mode = archive.getinfo("run.sh").external_attr >> 16
    assert mode & stat.S_IXUSR, "run.sh must be executable: the adapter executes the handler"
    (root / "run.sh").chmod(0o755)  # extractall drops modes; the zip's own is checked above
    return root


@pytest.fixture()
def server(task_root: Path, runtime_dir: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``run.sh`` as the adapter starts it; ``python`` on PATH is this interpreter without site-packages."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec {sys.executable} -S "$@"\n')
    (bin_dir / "python").chmod(0o755)
    port = free_port()
    sessions = tmp_path / "sessions"
    env = clean_env(
        task_root, runtime_dir, tmp_path,
        PATH=f"{bin_dir}:/usr/bin:/bin", AWS_LWA_PORT=str(port), AGENT_SESSION_DIR=str(sessions),
        AGENT_MEMORY="file", AGENT_OFFLINE_CHUNK_DELAY_MS="150",
    )  # fmt: skip
    with (tmp_path / "server.log").open("wb") as log:
        process = subprocess.Popen(["./run.sh"], cwd=task_root, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_ping(url, process, timeout=120)
            yield url, sessions
        finally:
            process.terminate()
            process.wait(timeout=30)


def assistant_turns(sessions: Path) -> list[str]:
    """The assistant messages the session store holds: written when a turn ends, not before."""
    texts = []
    for path in sessions.rglob("message_*.json"):
        message = json.loads(path.read_text())["message"]
        if message["role"] == "assistant":
            texts.append("".join(block.get("text", "") for block in message["content"]))
    return texts


def test_sse_chunks_reach_the_client_before_the_answer_is_complete(server: tuple[str, Path]) -> None:
    url, sessions = server
    chunks: list[str] = []
    stored_when_first_chunk_arrived: list[str] | None = None
    with httpx.stream(
        "POST", f"{url}/invocations", json={"prompt": PROMPT, "stream": True}, timeout=60
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-amzn-bedrock-agentcore-runtime-session-id"]
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            event = json.loads(line[5:])
            if isinstance(event, str):
                if stored_when_first_chunk_arrived is None:
                    stored_when_first_chunk_arrived = assistant_turns(sessions)
                chunks.append(event)
            else:
                assert event["done"] is True
    assert "".join(chunks) == f"You said: {PROMPT}"
    assert len(chunks) == len(f"You said: {PROMPT}".split())
    # The first chunk arrived while the turn was still running: nothing of the answer was stored yet.
    assert stored_when_first_chunk_arrived == []
    assert assistant_turns(sessions) == [f"You said: {PROMPT}"]


def test_a_buffered_client_gets_one_json_body(server: tuple[str, Path]) -> None:
    url, _ = server
    response = httpx.post(f"{url}/invocations", json={"prompt": "calculator expression=6*7"}, timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["text"] == "The calculator tool returned: 42"


def test_iam_identity_comes_only_from_the_adapters_request_context(
    task_root: Path, runtime_dir: Path, tmp_path: Path
) -> None:
    """Outside Lambda nobody vouches for ``x-amzn-request-context``: auth=iam refuses to start there."""
    env = clean_env(task_root, runtime_dir, tmp_path, AGENT_AUTH="iam")
    del env["AWS_LAMBDA_FUNCTION_NAME"]
    probe = "import stream_agent.entrypoints.lambda_stream_app"
    done = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        cwd=task_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "auth=iam reads the caller from the Lambda Web Adapter's request context" in done.stderr
