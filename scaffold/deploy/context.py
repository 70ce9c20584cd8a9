"""What every handler works with: the AWS clients, the names, the outputs produced so far, progress."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from typing_extensions import Unpack  # typing's own from Python 3.11

from ..aws_idioms import Until, wait_until
from .aws import AwsContext
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

    def wait_for(self, what: str, read_status: Callable[[], str], **until: Unpack[Until]) -> str:
        """``wait_until`` with this deploy's progress line and sleep; says how long a slow wait took."""
        started = time.monotonic()
        status = wait_until(
            what,
            read_status,
            interval_s=self.poll_interval_s,
            first_interval_s=0.5,
            on_wait=lambda status, elapsed: self.progress.waiting(f"waiting for {what}", elapsed, status),
            sleep=self.sleep,
            **until,
        )
        if (elapsed := time.monotonic() - started) >= 1:
            self.progress.line(f"    {what}: {status} after {elapsed:.0f} s")
        return status

    def wait_described(
        self,
        what: str,
        describe: Callable[[], dict[str, Any] | None],
        *,
        ready: Collection[str],
        failed: Collection[str],
        timeout_s: float,
        reasons: tuple[str, ...],
    ) -> dict[str, Any]:
        """``wait_for`` on a describe call (``None`` when the resource is gone); returns the last description.
        A ``failed`` status, or the resource gone (``MISSING``), fails at once with the first of the
        ``reasons`` fields AWS filled in."""
        latest: dict[str, Any] = {}

        def status() -> str:
            latest.update(describe() or {"status": "MISSING"})
            return str(latest.get("status"))

        def reason() -> str:
            return str(next((latest[field] for field in reasons if latest.get(field)), ""))

        self.wait_for(
            what, status, ready=ready, failed={*failed, "MISSING"}, timeout_s=timeout_s, reason=reason
        )
        return latest
