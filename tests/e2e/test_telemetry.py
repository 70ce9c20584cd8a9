"""What the deployed project writes on stderr: one ``agent_request`` JSON line per request, console spans.

The template answer ``telemetry=console`` makes every span a JSON line on stderr. With the defaults
(``AGENT_TELEMETRY_HASH_USER_ID`` and redaction on), the request line and the spans name the caller only by
a hash of the token's ``sub``, and neither the bearer token nor the prompt text appears. A W3C
``traceparent`` on the request makes the agent's spans part of the caller's trace.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from .conftest import Users
from .harness import ADAPTERS, Deployment, bearer, leaked, user_hash

TARGETS = {"fastapi": "fastapi", "lambda": "lambda", "lambda-httpapi": "lambda"}


def agent_spans(main: Deployment, adapter: str, session_id: str) -> list[dict[str, Any]]:
    """The spans carrying ``session.id``, read once the request's own ``agent_request`` line is written.

    That line is the event to wait for: the service writes it after the core's stream is closed, and the
    console exporter (a ``SimpleSpanProcessor``) writes each span synchronously as it ends, on the same
    line-buffered stderr, so every span of the request, the agent span (which ends last) included, is
    already in the file. Polling for the spans themselves against a time budget was flaky under load.
    """
    main.request_line(adapter, session_id)  # waits for the line itself; the bound only guards a hang
    return [s for s in main.spans(adapter) if s["attributes"].get("session.id") == session_id]


def marker_words() -> list[str]:
    """Words no log could contain by chance, so finding one means the prompt was logged."""
    return [f"{animal}{uuid.uuid4().hex[:8]}" for animal in ("zebra", "quokka", "narwhal")]


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_request_log_line(adapter: str, main: Deployment, users: Users) -> None:
    session_id = f"metrics-{uuid.uuid4().hex[:12]}"
    secret_words = marker_words()
    prompt = "word_count: " + " ".join(secret_words)
    reply = main.invoke(adapter, {"prompt": prompt, "session_id": session_id}, bearer(users.alice))
    assert reply.status == 200, reply.body
    assert reply.json()["text"] == "The word_count tool returned: 3"

    line = main.request_line(adapter, session_id)  # parsed as JSON from the process's stderr
    assert line["event"] == "agent_request"
    assert line["logger"] == "agent_scaffold_runtime.requests"
    assert line["target"] == TARGETS[adapter]
    assert line["status"] == 200
    assert line["session_id"] == session_id
    assert line["user"] == user_hash(users.alice_sub)
    assert line["auth_method"] == "jwt"
    usage = line["usage"]
    assert usage == reply.json()["usage"]
    assert usage["input_tokens"] > 0 and usage["output_tokens"] > 0
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert line["cycles"] == 2  # the tool call, then the answer
    assert line["tool_calls"] == {"word_count": 1}
    assert isinstance(line["duration_ms"], (int, float)) and line["duration_ms"] > 0
    assert line["stop_reason"] == "end_turn"
    assert re.fullmatch(r"[0-9a-f]{32}", line["trace_id"])
    assert "prompt" not in line and "answer" not in line  # AGENT_LOG_PROMPTS is off by default
    text = str(line)
    assert users.alice_sub not in text
    assert not leaked([users.alice], text)
    assert [word for word in secret_words if word in text] == []


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_prompt_text_never_reaches_stderr(adapter: str, main: Deployment, users: Users) -> None:
    """Redaction on by default: span events carry ``[REDACTED]``, tool input and output included."""
    session_id = f"redact-{uuid.uuid4().hex[:12]}"
    secret_words = marker_words()
    prompt = "word_count: " + " ".join(secret_words)
    assert (
        main.invoke(adapter, {"prompt": prompt, "session_id": session_id}, bearer(users.alice)).status == 200
    )
    spans = agent_spans(main, adapter, session_id)
    assert any(s["name"] == "execute_tool word_count" for s in spans)  # the tool's span was written
    stderr = main.stderr(adapter)
    assert "[REDACTED]" in stderr
    assert [word for word in secret_words if word in stderr] == []


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_spans_carry_hashed_user_session_and_target(adapter: str, main: Deployment, users: Users) -> None:
    session_id = f"spans-{uuid.uuid4().hex[:12]}"
    reply = main.invoke(adapter, {"prompt": "word_count: a b", "session_id": session_id}, bearer(users.alice))
    assert reply.status == 200, reply.body
    spans = agent_spans(main, adapter, session_id)
    names = {span["name"] for span in spans}
    assert any(name.startswith("invoke_agent") for name in names)
    assert {"execute_event_loop_cycle", "chat", "execute_tool word_count"} <= names
    for span in spans:
        attributes = span["attributes"]
        assert attributes["enduser.id"] == user_hash(users.alice_sub)
        assert attributes["agent.target"] == TARGETS[adapter]
        assert attributes["auth.method"] == "jwt"
        assert users.alice_sub not in str(span)


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_traceparent_makes_the_agent_part_of_the_callers_trace(
    adapter: str, main: Deployment, users: Users
) -> None:
    trace_id, parent_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    session_id = f"trace-{uuid.uuid4().hex[:12]}"
    headers = {**bearer(users.alice), "traceparent": f"00-{trace_id}-{parent_id}-01"}
    reply = main.invoke(adapter, {"prompt": "hello", "session_id": session_id}, headers)
    assert reply.status == 200, reply.body
    spans = agent_spans(main, adapter, session_id)
    assert any(span["name"].startswith("invoke_agent") for span in spans)
    assert {span["context"]["trace_id"] for span in spans} == {f"0x{trace_id}"}
    # The first span of ours in that trace is a child of the caller's span. On FastAPI that is the HTTP
    # server's span, which ends only after the response is sent: wait for that span itself to be written.
    child = main.wait_for_span(adapter, lambda span: span["parent_id"] == f"0x{parent_id}")
    assert child["context"]["trace_id"] == f"0x{trace_id}"
    assert main.request_line(adapter, session_id)["trace_id"] == trace_id


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_without_traceparent_each_request_starts_its_own_trace(
    adapter: str, main: Deployment, users: Users
) -> None:
    """The control for the previous test: the trace id there came from the header, not from anywhere else."""
    ids = []
    for _ in range(2):
        session_id = f"notrace-{uuid.uuid4().hex[:12]}"
        assert (
            main.invoke(adapter, {"prompt": "hi", "session_id": session_id}, bearer(users.alice)).status
            == 200
        )
        ids.append(main.request_line(adapter, session_id)["trace_id"])
    assert ids[0] != ids[1]
