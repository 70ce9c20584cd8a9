"""``scaffold logs``: the deployed target's CloudWatch log group, newest window first, optionally followed."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..aws_idioms import every, is_not_found
from ..errors import BadInput
from .aws import AwsContext, aws_errors

_DURATION = re.compile(r"^(\d+)\s*([smhd])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class LogEvent:
    timestamp_ms: int
    stream: str
    message: str
    event_id: str

    def to_json(self) -> dict[str, Any]:
        return {"timestamp": iso(self.timestamp_ms), "stream": self.stream, "message": self.message}

    def render(self) -> str:
        return f"{iso(self.timestamp_ms)} {self.message.rstrip()}"


def iso(timestamp_ms: int) -> str:
    moment = datetime.fromtimestamp(timestamp_ms / 1000, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def since_ms(text: str, *, now_s: float | None = None) -> int:
    """``10m``, ``2h``, ``1d`` ago, or an ISO-8601 time, as epoch milliseconds."""
    now_s = time.time() if now_s is None else now_s
    found = _DURATION.match(text.strip())
    if found:
        return int((now_s - int(found[1]) * _UNIT_S[found[2]]) * 1000)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"--since takes a duration (30s, 10m, 2h, 1d) or an ISO time, not {text!r}.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def read_events(
    aws: AwsContext, log_group: str, *, start_ms: int, limit: int | None = None, pattern: str | None = None
) -> list[LogEvent]:
    """Events since ``start_ms`` in time order; at most the newest ``limit`` of them."""
    events: list[LogEvent] = []
    params: dict[str, Any] = {"logGroupName": log_group, "startTime": start_ms}
    if pattern:
        params["filterPattern"] = pattern
    logs = aws.client("logs")
    with aws_errors(f"read the log group {log_group}"):
        try:
            events += [_event(raw) for raw in every(logs, "filter_log_events", "events", **params)]
        except Exception as exc:
            if is_not_found(exc):
                return []
            raise
    events.sort(key=lambda event: (event.timestamp_ms, event.event_id))
    return events[-limit:] if limit else events


def follow(
    aws: AwsContext,
    log_group: str,
    *,
    start_ms: int,
    pattern: str | None = None,
    seen: set[str] | None = None,
    interval_s: float = 2.0,
) -> Iterator[LogEvent]:
    """New events as they arrive (none of ``seen``), until interrupted (Ctrl-C)."""
    seen = set(seen or ())
    while True:
        time.sleep(interval_s)
        fresh = [
            event
            for event in read_events(aws, log_group, start_ms=start_ms, pattern=pattern)
            if event.event_id not in seen
        ]
        for event in fresh:
            seen.add(event.event_id)
            start_ms = max(start_ms, event.timestamp_ms)
            yield event


def _event(raw: dict[str, Any]) -> LogEvent:
    return LogEvent(
        timestamp_ms=int(raw.get("timestamp", 0)),
        stream=str(raw.get("logStreamName", "")),
        message=str(raw.get("message", "")),
        event_id=str(
            raw.get("eventId") or f"{raw.get('logStreamName')}/{raw.get('timestamp')}/{raw.get('message')}"
        ),
    )
