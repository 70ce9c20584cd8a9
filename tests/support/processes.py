"""Run a generated project's code in its own processes, the way a user would."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx

from scaffold.loadtest.server import uvicorn_args
from tests.support.servers import free_port

REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def fresh_python(code: str) -> str:
    """The stdout of ``python -c CODE`` in a fresh interpreter at the repository root: what a module
    imports on its own, without the test process's modules already loaded."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


def run_ok(
    argv: list[str],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` to the end (``input`` on its stdin) and require exit status 0; a failure shows the tail
    of its output."""
    result = subprocess.run(
        argv, cwd=cwd, env=env, input=input, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def project_env(project: Path, **extra: str) -> dict[str, str]:
    """The environment a developer has inside the project: its root importable, the offline model."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENT_", "AWS_"))}
    env.update(PYTHONPATH=str(project), AGENT_MODEL_PROVIDER="offline", **extra)
    return env


def wait_for_ping(url: str, process: subprocess.Popen[Any], timeout: float = 60) -> None:
    wait_for_ok(f"{url}/ping", process, timeout)


def wait_for_ok(url: str, process: subprocess.Popen[Any], timeout: float = 60) -> None:
    """Until ``GET url`` answers 200; fails at once if ``process`` (the server) exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before {url} answered 200")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"no 200 from {url} within {timeout} s")


def uvicorn_argv(app: str, port: int) -> list[str]:
    """``python -m uvicorn APP`` on 127.0.0.1:``port`` with this interpreter, quiet but for warnings."""
    return [sys.executable, "-m", "uvicorn", *uvicorn_args(app, port)]


@contextlib.contextmanager
def running_server(project: Path, app: str, **env: str) -> Iterator[str]:
    """``python -m uvicorn APP`` in the project directory; yields its URL once ``/ping`` answers."""
    port = free_port()
    process = subprocess.Popen(
        uvicorn_argv(app, port),
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
        stop_process(process)


def stop_process(process: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """Terminate, then kill if it has not exited within ``grace`` seconds; always reaps the child."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)
