"""What every handler works with: the AWS clients, the names, the outputs produced so far, progress."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .aws import AwsContext
from .errors import DeployFailed, WaitTimeout
from .models import resolve
from .naming import Names
from .progress import Progress


@dataclass
class DeployContext:
    aws: AwsContext
    names: Names
    progress: Progress = field(default_factory=lambda: Progress(quiet=True))
    #: key -> record of every resource observed or produced so far (what refs resolve against)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    poll_interval_s: float = 2.0
    sleep: Callable[[float], None] = time.sleep

    def client(self, service: str) -> Any:
        return self.aws.client(service)

    def resolve(self, value: Any) -> Any:
        return resolve(value, self.outputs)

    def wait_for(
        self,
        what: str,
        read_status: Callable[[], str],
        *,
        ready: frozenset[str],
        failed: frozenset[str],
        timeout_s: float,
        reason: Callable[[], str] | None = None,
    ) -> str:
        """Poll ``read_status`` until ready; fail fast on a failed status; give up after ``timeout_s``."""
        started = time.monotonic()
        interval = min(0.5, self.poll_interval_s)
        while True:
            status = read_status()
            elapsed = time.monotonic() - started
            if status in ready:
                if elapsed >= 1:
                    self.progress.line(f"    {what}: {status} after {elapsed:.0f} s")
                return status
            if status in failed:
                why = reason() if reason else ""
                raise DeployFailed(f"{what} is {status}{': ' + why if why else ''}.")
            if elapsed >= timeout_s:
                raise WaitTimeout(
                    f"{what} is still {status} after {timeout_s:.0f} s; run the deploy again to keep waiting."
                )
            self.progress.waiting(f"waiting for {what}", elapsed, status)
            self.sleep(interval)
            interval = min(interval * 2, self.poll_interval_s)
