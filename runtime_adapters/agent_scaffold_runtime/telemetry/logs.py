"""One structured JSON line per request, and a JSON formatter for the rest of the adapters' logs.

The request line is the metrics summary an operator queries (CloudWatch Logs Insights, any JSON log store):
token usage accumulated over the whole agent loop, cycles, duration and tool calls, keyed by target,
status and trace id. It is built from the ``AgentReply`` and the ``Principal`` only, never from request
headers or claims, so bearer tokens cannot reach it; prompt and answer text appear only when
``AGENT_LOG_PROMPTS=true``, and even then anything shaped like a JWT or a bearer token is masked.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import IO, Any

from ..identity import Principal
from ..reply import AgentReply
from .attributes import user_ref
from .config import TelemetryConfig
from .context import current_trace_id

REQUEST_LOGGER = "agent_scaffold_runtime.requests"
EVENT = "agent_request"
REDACTED = "[REDACTED]"

_SECRET_RE = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*|(?i:bearer)\s+[\w.~+/=-]+")
_HANDLER_MARK = "_runtime_adapters_json"
_telemetry_logger = logging.getLogger("agent_scaffold_runtime.telemetry")


def scrub(text: str) -> str:
    """Mask JWTs and ``Bearer`` credentials; a last line of defence for free text that reaches logs."""
    return _SECRET_RE.sub(REDACTED, text)


@dataclass(frozen=True)
class RequestMetrics:
    """The fields of one request line; ``to_dict`` is exactly what gets logged."""

    target: str
    status: int
    session_id: str | None
    user: str | None
    auth_method: str | None
    duration_ms: float
    usage: dict[str, int] = field(default_factory=dict)
    cycles: int = 0
    tool_calls: dict[str, int] = field(default_factory=dict)
    stop_reason: str | None = None
    error_code: str | None = None
    trace_id: str | None = None
    prompt: str | None = None
    answer: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "event": EVENT,
            "target": self.target,
            "status": self.status,
            "session_id": self.session_id,
            "user": self.user,
            "auth_method": self.auth_method,
            "duration_ms": self.duration_ms,
            "usage": dict(self.usage),
            "cycles": self.cycles,
            "tool_calls": dict(self.tool_calls),
            "stop_reason": self.stop_reason,
            "error_code": self.error_code,
            "trace_id": self.trace_id,
        }
        if self.prompt is not None:
            data["prompt"] = self.prompt
        if self.answer is not None:
            data["answer"] = self.answer
        return data


def log_request(
    logger_or_none: logging.Logger | None,
    *,
    target: str,
    principal: Principal | None,
    session_id: str | None,
    reply: AgentReply | None,
    status: int,
    error_code: str | None,
    started: float,
    prompt: str | None,
    config: TelemetryConfig,
    trace_id: str | None = None,
) -> RequestMetrics | None:
    """Write the request line (INFO, WARNING for 4xx, ERROR for 5xx) on ``agent_scaffold_runtime.requests``.

    ``started`` is a ``time.monotonic()`` reading taken when the request arrived. ``trace_id`` is for when
    the agent ran in another task (pass ``TraceCapture.trace_id``); otherwise the current span's is used.
    Never raises: a broken log line must not turn a served request into a failed one.
    """
    try:
        usage = reply.usage if reply is not None else None
        metrics = RequestMetrics(
            target=target,
            status=status,
            session_id=reply.session_id if reply is not None else session_id,
            user=user_ref(principal.user_id, hash_user_id=config.hash_user_id) if principal else None,
            auth_method=principal.auth_method if principal else None,
            duration_ms=_elapsed_ms(started),
            usage={
                "input_tokens": usage.input_tokens if usage else 0,
                "output_tokens": usage.output_tokens if usage else 0,
                "total_tokens": usage.total_tokens if usage else 0,
            },
            cycles=reply.cycles if reply is not None else 0,
            tool_calls=dict(reply.tool_calls) if reply is not None else {},
            stop_reason=reply.stop_reason if reply is not None else None,
            error_code=error_code,
            trace_id=trace_id or current_trace_id(),
            prompt=scrub(prompt) if config.log_prompts and prompt is not None else None,
            answer=scrub(reply.text) if config.log_prompts and reply is not None else None,
        )
        level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
        (logger_or_none or logging.getLogger(REQUEST_LOGGER)).log(level, JsonLine(metrics.to_dict()))
        return metrics
    except Exception:
        _telemetry_logger.exception("Writing the request log line failed.")
        return None


class JsonLine:
    """A log message that is a JSON object: plain handlers print it as one JSON line, ``JsonFormatter``
    merges its fields into the record's top level instead of nesting a string."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload

    def __str__(self) -> str:
        return _dumps(self.payload)


class JsonFormatter(logging.Formatter):
    """Every record as one JSON object per line: ``timestamp``, ``level``, ``logger``, then the fields."""

    def format(self, record: logging.LogRecord) -> str:
        timestamp = datetime.fromtimestamp(record.created, tz=timezone.utc)
        data: dict[str, Any] = {
            "timestamp": timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
        }
        if isinstance(record.msg, JsonLine):
            data.update(record.msg.payload)
        else:
            data["message"] = scrub(record.getMessage())
        if record.exc_info and record.exc_info[0] is not None:
            data["error_type"] = record.exc_info[0].__name__
            data["exception"] = scrub(self.formatException(record.exc_info))
        return _dumps(data)


def configure_json_logging(level: int | str = logging.INFO, *, stream: IO[str] | None = None) -> None:
    """Send the runtime's loggers to one JSON handler on stderr; a second call only sets the level.

    The handler sits on the ``agent_scaffold_runtime`` logger, which stops propagating to the root logger:
    Lambda's runtime puts its own handler on the root, and each line must be written once, as JSON, to be
    queryable.
    """
    package_logger = logging.getLogger("agent_scaffold_runtime")
    package_logger.setLevel(level)
    if any(getattr(handler, _HANDLER_MARK, False) for handler in package_logger.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    setattr(handler, _HANDLER_MARK, True)
    package_logger.addHandler(handler)
    package_logger.propagate = False


def _elapsed_ms(started: float) -> float:
    now = time.monotonic()
    if started > now:  # a time.time() reading: compare like with like rather than log a negative duration
        now = time.time()
    return round(max(now - started, 0.0) * 1000, 1)


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
