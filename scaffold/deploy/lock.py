"""A per-target deploy lock: ``.scaffold/state/<target>.lock`` created exclusively, holding the owner's pid.

Two deploys (or a deploy and a destroy) of one target would interleave their AWS calls and state writes, so
the second one stops with exit code 6. A lock left by a process that no longer runs on this machine is
taken over, so a crash never needs a manual clean-up.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from types import TracebackType

from ..environments.settings import DEFAULT_ENVIRONMENT
from .errors import DeployLocked
from .state import now, state_dir


def lock_path(project_root: Path, target: str, environment: str = DEFAULT_ENVIRONMENT) -> Path:
    return state_dir(project_root, environment) / f"{target}.lock"


class DeployLock:
    def __init__(self, project_root: Path, target: str, environment: str = DEFAULT_ENVIRONMENT) -> None:
        self.path = lock_path(project_root, target, environment)
        self.target = target
        self._held = False

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": now()})
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self._owner()
                if owner is not None and _alive(owner):
                    pid, host, since = owner
                    raise DeployLocked(
                        f"Another deploy of {self.target} is running (pid {pid} on {host} since {since}); "
                        f"wait for it, or remove {self.path.name} if that process is gone."
                    ) from None
                self.path.unlink(missing_ok=True)  # stale: its owner is gone
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(body)
            self._held = True
            return
        raise DeployLocked(f"Could not take the deploy lock {self.path}.")

    def release(self) -> None:
        if self._held:
            self.path.unlink(missing_ok=True)
            self._held = False

    def _owner(self) -> tuple[int, str, str] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return int(data["pid"]), str(data.get("host", "")), str(data.get("since", "?"))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # unreadable or half-written: treat as stale

    def __enter__(self) -> DeployLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def _alive(owner: tuple[int, str, str]) -> bool:
    pid, host, _ = owner
    if host and host != socket.gethostname():
        return True  # another machine's process: we cannot tell, so respect it
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
