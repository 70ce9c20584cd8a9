"""``/ping`` as the AgentCore runtime contract defines it: ``Healthy``, or ``HealthyBusy`` while working.

The runtime reads ``{"status": "Healthy" | "HealthyBusy", "time_of_last_update": <unix seconds>}`` to decide
whether a session's microVM may be given new work or stopped; answering ``Healthy`` in the middle of a long
invocation invites exactly that. ``Health`` counts invocations in flight and remembers when the status last
changed; ``CountInFlight`` is the ASGI middleware that does the counting around ``POST /invocations``, from
the first byte of the request to the last byte of the response (a stream counts until it ends or the
client goes away), so an early return or a dropped connection can never leave the count off.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

HEALTHY = "Healthy"
HEALTHY_BUSY = "HealthyBusy"
INVOCATIONS_PATH = "/invocations"


class Health:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._changed_at = int(time.time())

    @property
    def busy(self) -> bool:
        return self._in_flight > 0

    @property
    def status(self) -> str:
        return HEALTHY_BUSY if self.busy else HEALTHY

    def ping(self) -> dict[str, Any]:
        return {"status": self.status, "time_of_last_update": self._changed_at}

    def started(self) -> None:
        with self._lock:
            self._in_flight += 1
            if self._in_flight == 1:
                self._changed_at = int(time.time())

    def finished(self) -> None:
        with self._lock:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._changed_at = int(time.time())


def is_invocation(scope: Scope) -> bool:
    """Whether an ASGI scope is ``POST /invocations``, the one request the middlewares here act on."""
    return scope["type"] == "http" and scope.get("path") == INVOCATIONS_PATH and scope.get("method") == "POST"


class CountInFlight:
    """Counts ``POST /invocations`` requests in ``health`` for as long as the app is handling them."""

    def __init__(self, app: ASGIApp, health: Health) -> None:
        self.app = app
        self.health = health

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_invocation(scope):
            await self.app(scope, receive, send)
            return
        self.health.started()
        try:
            await self.app(scope, receive, send)
        finally:
            self.health.finished()
