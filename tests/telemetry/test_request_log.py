"""The one JSON line per request: fields, levels, and what must never be in it."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import pytest
from agent_scaffold_runtime.identity import ANONYMOUS, Principal
from agent_scaffold_runtime.reply import AgentReply, Usage
from agent_scaffold_runtime.telemetry import (
    REQUEST_LOGGER,
    JsonFormatter,
    TelemetryConfig,
    attached,
    configure_json_logging,
    extract_trace_context,
    log_request,
)

FAKE_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IiLCJzY29wZSI6ImFnZW50In0.ZmFrZS1zaWduYXR1cmUtYnl0ZXM"
HEADERS = {
    "authorization": f"Bearer {FAKE_JWT}",
    "x-api-key": "sk-super-secret-key",
    "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
}
PRINCIPAL = Principal(
    user_id="bob@example.com",
    auth_method="jwt",
    claims=MappingProxyType({"sub": "bob@example.com", "access_token": FAKE_JWT, "headers": dict(HEADERS)}),
    scopes=frozenset({"agent"}),
)
PROMPT = "What is the secret plan for zebra-unicorn?"
REPLY = AgentReply(
    text="The calculator tool returned: 42",
    stop_reason="end_turn",
    session_id="sess-1",
    usage=Usage(input_tokens=12, output_tokens=8, total_tokens=20),
    cycles=2,
    duration_s=0.004,
    tool_calls={"calculator": 1},
)


@pytest.fixture()
def json_stream() -> Iterator[io.StringIO]:
    """``configure_json_logging`` on a buffer; the package logger's state is put back afterwards."""
    package_logger = logging.getLogger("agent_scaffold_runtime")
    saved = (list(package_logger.handlers), package_logger.level, package_logger.propagate)
    package_logger.handlers[:] = []  # an adapter built by an earlier test may have configured it already
    stream = io.StringIO()
    configure_json_logging("DEBUG", stream=stream)
    yield stream
    package_logger.handlers[:] = saved[0]
    package_logger.setLevel(saved[1])
    package_logger.propagate = saved[2]


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def serve_one(config: TelemetryConfig, **overrides: Any) -> None:
    """What an adapter does at the end of a request, with the request's headers in scope."""
    headers = dict(HEADERS)
    arguments: dict[str, Any] = {
        "target": "fastapi",
        "principal": PRINCIPAL,
        "session_id": "sess-1",
        "reply": REPLY,
        "status": 200,
        "error_code": None,
        "started": time.monotonic() - 0.25,
        "prompt": PROMPT,
        "config": config,
    }
    arguments.update(overrides)
    with attached(extract_trace_context(headers)):
        log_request(None, **arguments)


def test_one_json_line_with_the_metrics_summary(json_stream: io.StringIO) -> None:
    serve_one(TelemetryConfig())
    (line,) = lines(json_stream)
    assert line["logger"] == REQUEST_LOGGER and line["level"] == "INFO" and line["timestamp"].endswith("Z")
    expected = {
        "event": "agent_request",
        "target": "fastapi",
        "status": 200,
        "session_id": "sess-1",
        "auth_method": "jwt",
        "usage": {"input_tokens": 12, "output_tokens": 8, "total_tokens": 20},
        "cycles": 2,
        "tool_calls": {"calculator": 1},
        "stop_reason": "end_turn",
        "error_code": None,
        "trace_id": "0af7651916cd43dd8448eb211c80319c",
    }
    assert {key: line[key] for key in expected} == expected
    assert line["user"] == hashlib.sha256(b"bob@example.com").hexdigest()[:16]
    assert 250 <= line["duration_ms"] < 5000
    assert "prompt" not in line and "answer" not in line


def test_never_tokens_headers_or_prompt_text_by_default(json_stream: io.StringIO) -> None:
    serve_one(TelemetryConfig())
    raw = json_stream.getvalue()
    answer = "calculator tool returned"  # the reply text (a bare "42" also matches timestamps)
    for secret in (FAKE_JWT, "Bearer", "sk-super-secret-key", "bob@example.com", "zebra-unicorn", answer):
        assert secret not in raw, secret


def test_prompts_only_when_asked(json_stream: io.StringIO) -> None:
    config = TelemetryConfig.from_env({"AGENT_LOG_PROMPTS": "true", "AGENT_TELEMETRY_HASH_USER_ID": "false"})
    serve_one(config, prompt=f"{PROMPT} my token is Bearer {FAKE_JWT}")
    (line,) = lines(json_stream)
    assert line["prompt"].startswith(PROMPT)
    assert line["answer"] == REPLY.text
    assert line["user"] == "bob@example.com"
    assert FAKE_JWT not in json_stream.getvalue()  # masked even inside logged prompt text


def test_failures_are_warnings_or_errors(json_stream: io.StringIO) -> None:
    serve_one(TelemetryConfig(), reply=None, status=413, error_code="payload_too_large", principal=ANONYMOUS)
    serve_one(TelemetryConfig(), reply=None, status=500, error_code="agent_error", principal=None)
    rejected, failed = lines(json_stream)
    assert (rejected["level"], rejected["status"]) == ("WARNING", 413)
    assert rejected["error_code"] == "payload_too_large"
    assert rejected["usage"] == {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}
    assert rejected["session_id"] == "sess-1" and rejected["stop_reason"] is None
    assert (failed["level"], failed["user"], failed["auth_method"]) == ("ERROR", None, None)


def test_without_json_logging_the_message_itself_is_the_json_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        metrics = log_request(
            logging.getLogger(REQUEST_LOGGER), target="lambda", principal=PRINCIPAL, session_id="s",
            reply=REPLY, status=200, error_code=None, started=time.time() - 1, prompt=PROMPT,
            config=TelemetryConfig(),
        )  # fmt: skip
    (record,) = caplog.records
    assert metrics is not None and json.loads(record.getMessage()) == metrics.to_dict()
    assert 1000 <= metrics.duration_ms < 60_000  # a time.time() reading is accepted too


def test_configure_json_logging_is_idempotent(json_stream: io.StringIO) -> None:
    configure_json_logging("WARNING", stream=io.StringIO())
    package_logger = logging.getLogger("agent_scaffold_runtime")
    assert sum(isinstance(h.formatter, JsonFormatter) for h in package_logger.handlers) == 1
    assert package_logger.level == logging.WARNING and package_logger.propagate is False
    serve_one(TelemetryConfig())  # INFO: below the new level
    serve_one(TelemetryConfig(), reply=None, status=500, error_code="agent_error")
    assert [line["status"] for line in lines(json_stream)] == [500]  # one handler, the first stream


def test_other_records_become_json_with_scrubbed_exceptions(json_stream: io.StringIO) -> None:
    log = logging.getLogger("agent_scaffold_runtime")
    try:
        raise ValueError(f"bad token {FAKE_JWT}")
    except ValueError:
        log.exception("Agent invocation failed for %s", "bob")
    (line,) = lines(json_stream)
    assert line["message"] == "Agent invocation failed for bob"
    assert line["error_type"] == "ValueError" and "Traceback" in line["exception"]
    assert FAKE_JWT not in json_stream.getvalue()


def test_log_request_never_raises(caplog: pytest.LogCaptureFixture) -> None:
    broken: Any = object()
    with caplog.at_level(logging.ERROR):
        metrics = log_request(
            None, target="x", principal=broken, session_id=None, reply=None, status=200,
            error_code=None, started=0.0, prompt=None, config=TelemetryConfig(),
        )  # fmt: skip
    assert metrics is None
    assert "request log line failed" in caplog.text
