"""Telemetry: one JSON request log line per request (no prompt text unless asked), and traces that name
users by digest only.

The project exports spans to the console (stderr)
in production (``AGENT_TELEMETRY=console``); the suite itself runs with ``AGENT_TELEMETRY=none``
(see conftest.py) because a tracer provider is process-wide. The exporter tests below build a provider of
their own (``build_tracer_provider``) without installing it.
"""

import hashlib
import json
import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.telemetry import (
    JsonFormatter,
    TelemetryConfig,
    build_tracer_provider,
    trace_attributes,
)

from research_orchestrator.agent import build_agent
from research_orchestrator.settings import RUNTIME_DEFAULTS, Settings

TARGETS = ["agentcore", "lambda", "fastapi", "local"]
SERVICE = "research-orchestrator"
PROMPT = "My secret plan is to paint the fence pineapple yellow"
ALICE = Principal(user_id="alice@example.com", auth_method="jwt")


def digest(user_id: str) -> str:
    """How logs and traces name a user (``agent_scaffold_runtime.telemetry.user_ref``)."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:16]


def request_line(records: list[logging.LogRecord]) -> tuple[str, dict[str, Any]]:
    """The last request log line, formatted as the adapters write it, and parsed back."""
    assert records, "no request log line was written"
    text = JsonFormatter().format(records[-1])
    line: dict[str, Any] = json.loads(text)
    return text, line


def test_the_project_telemetry_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AGENT_TELEMETRY", "OTEL_SERVICE_NAME", "AGENT_SERVICE_NAME"):
        monkeypatch.delenv(name, raising=False)

    config = TelemetryConfig.from_env(defaults=RUNTIME_DEFAULTS)

    assert config.mode == "console"
    assert config.service_name == SERVICE
    assert config.hash_user_id is True
    assert config.log_prompts is False


@pytest.mark.parametrize("target", TARGETS)
def test_the_request_line_is_json_without_the_prompt(
    invoke: Callable[..., Any], request_log: list[logging.LogRecord], target: str
) -> None:
    response = invoke(target, PROMPT, session_id="telemetry-session")

    assert response.status == 200, response.body
    text, line = request_line(request_log)
    assert line["event"] == "agent_request"
    assert line["logger"] == "agent_scaffold_runtime.requests"
    assert line["target"] == target
    assert line["status"] == 200
    assert line["session_id"] == "telemetry-session"
    assert line["usage"]["total_tokens"] == response.body["usage"]["total_tokens"] > 0
    assert re.fullmatch(r"[0-9a-f]{16}", line["user"])  # a digest, never the user id itself
    assert "prompt" not in line and "answer" not in line
    assert "pineapple" not in text


def test_prompts_are_logged_only_when_asked_and_still_scrubbed(
    invoke: Callable[..., Any], request_log: list[logging.LogRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_LOG_PROMPTS", "true")

    response = invoke(TARGETS[0], "pineapple, and here is Bearer abc123def456 for you")

    assert response.status == 200, response.body
    _, line = request_line(request_log)
    assert "pineapple" in line["prompt"]
    assert "abc123def456" not in line["prompt"] and "[REDACTED]" in line["prompt"]
    assert "abc123def456" not in line["answer"]


def test_trace_attributes_hash_the_user_id() -> None:
    attributes = trace_attributes(ALICE, "session-1", "lambda")

    assert attributes == {
        "enduser.id": digest("alice@example.com"),
        "session.id": "session-1",
        "agent.target": "lambda",
        "auth.method": "jwt",
    }
    assert "alice" not in json.dumps(attributes)


def test_the_agent_carries_the_hashed_trace_attributes() -> None:
    agent = build_agent(Settings.from_env(), principal=ALICE, session_id="session-1", target=TARGETS[0])

    assert agent.trace_attributes["enduser.id"] == digest("alice@example.com")
    assert agent.trace_attributes["session.id"] == "session-1"
    assert agent.trace_attributes["agent.target"] == TARGETS[0]


def test_hashing_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_TELEMETRY_HASH_USER_ID", "false")

    agent = build_agent(Settings.from_env(), principal=ALICE, session_id="session-1", target=TARGETS[0])

    assert agent.trace_attributes["enduser.id"] == "alice@example.com"


def test_console_spans_are_json_lines_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    provider = build_tracer_provider(TelemetryConfig(mode="console", service_name=SERVICE))
    with provider.get_tracer("test").start_as_current_span("invoke_agent") as span:
        span.set_attributes(trace_attributes(ALICE, "session-1", "local"))
    provider.shutdown()

    captured = capsys.readouterr()
    assert captured.out == ""  # never mixed with an answer streamed to stdout
    spans = [json.loads(line) for line in captured.err.splitlines() if line.startswith("{")]
    assert [span["name"] for span in spans] == ["invoke_agent"]
    assert spans[0]["attributes"]["enduser.id"] == digest("alice@example.com")
    assert spans[0]["resource"]["attributes"]["service.name"] == SERVICE
