"""Run a generated project's code in its own processes, the way a user would."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support.servers import free_port


def project_env(project: Path, **extra: str) -> dict[str, str]:
    """The environment a developer has inside the project: its root importable, the offline model."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENT_", "AWS_"))}
    env.update(PYTHONPATH=str(project), AGENT_MODEL_PROVIDER="offline", **extra)
    return env


def wait_for_ping(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering /ping")
        try:
            if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"no healthy /ping from {url} within {timeout} s")


@contextlib.contextmanager
def running_server(project: Path, app: str, **env: str) -> Iterator[str]:
    """``python -m uvicorn APP`` in the project directory; yields its URL once ``/ping`` answers."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=project,
        env=project_env(project, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_ping(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
