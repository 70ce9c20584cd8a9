"""The local agent server ``scaffold loadtest`` starts (as ``scaffold serve`` would) and measures."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import ScaffoldError
from ..project import Project
from ..project_process import launched, project_python
from ..targets import SERVER_TARGETS

_START_TIMEOUT_S = 120.0


def uvicorn_args(app: str, port: int) -> list[str]:
    """``uvicorn``'s arguments to serve ``app`` (``module:attribute``) on 127.0.0.1:``port``, logging only
    warnings, so a measured server spends nothing on access lines."""
    return [app, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]


@dataclass
class LocalServer:
    url: str
    pid: int
    session_dir: Path

    def rss_bytes(self) -> int | None:
        """Resident memory of the server process (psutil, else /proc), None when it cannot be read."""
        try:
            import psutil

            return int(psutil.Process(self.pid).memory_info().rss)
        except ImportError:
            pass
        except Exception:  # the process is gone or not ours to read
            return None
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None


@contextlib.contextmanager
def local_server(
    project: Project, target_name: str, env: Mapping[str, str], log_path: Path
) -> Iterator[LocalServer]:
    """Serve the project's ``target_name`` app on a free loopback port, with sessions in a fresh directory
    (``AGENT_MEMORY=file``, so lost turns can be counted); stopped on exit."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    target = SERVER_TARGETS[target_name]
    with tempfile.TemporaryDirectory(prefix="scaffold-loadtest-sessions-") as sessions:
        args = ["serve", *uvicorn_args(project.module(target.app), port)]
        launch = launched(project.root, project_python(project.root), args)
        server_env = {**launch.env, "AGENT_MEMORY": "file", "AGENT_SESSION_DIR": sessions, **env}
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                launch.argv, env=server_env, cwd=launch.cwd, stdout=log, stderr=subprocess.STDOUT
            )
            url = f"http://127.0.0.1:{port}"
            try:
                _wait_for_ping(url, process, log_path)
                yield LocalServer(url, process.pid, Path(sessions))
            finally:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _wait_for_ping(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    import httpx

    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            reason = _error_line(log_path)  # the launcher's one line: a bad setting, broken project code
            raise ScaffoldError(
                f"The local server exited with {process.returncode} before it answered /ping"
                + (f": {reason.rstrip('.')}" if reason else "")
                + f"; see {log_path}."
            )
        try:
            if httpx.get(f"{url}/ping", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise ScaffoldError(
        f"The local server did not answer /ping within {_START_TIMEOUT_S:g} s; see {log_path}."
    )


def _error_line(log_path: Path) -> str:
    lines = log_path.read_text(errors="replace").splitlines() if log_path.is_file() else []
    errors = [line.removeprefix("Error: ") for line in lines if line.startswith("Error: ")]
    return errors[-1] if errors else ""


def stored_turns(session_dir: Path, session_id: str) -> int:
    """User prompts the file session store holds for ``session_id`` (whatever the user's namespace)."""
    import json

    count = 0
    for message in session_dir.glob(f"*/session_{session_id}/agents/*/messages/message_*.json"):
        try:
            data = json.loads(message.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        body = data.get("message") or {}
        if body.get("role") == "user" and any("text" in block for block in body.get("content") or ()):
            count += 1
    return count
