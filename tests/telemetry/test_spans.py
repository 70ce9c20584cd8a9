"""Real Strands agents (offline model, a tool) traced through the telemetry helpers; spans kept in memory."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import traceback
from collections.abc import AsyncGenerator, Callable
from types import MappingProxyType
from typing import Any

import pytest
from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.reply import AgentReply
from agent_scaffold_runtime.streaming import collect_reply, produce_into, run_sync
from agent_scaffold_runtime.telemetry import (
    TraceCapture,
    current_trace_id,
    extract_trace_context,
    traced_stream,
)
from agent_scaffold_runtime.telemetry.setup import SEMCONV_OPT_IN, enable_span_redaction
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.telemetry import core

FAKE_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZUBleGFtcGxlLmNvbSJ9.c2lnbmF0dXJlLW5vdC1yZWFs"
PRINCIPAL = Principal(
    user_id="alice@example.com",
    auth_method="jwt",
    claims=MappingProxyType({"sub": "alice@example.com", "raw_token": FAKE_JWT}),
)
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN_ID = "00f067aa0ba902b7"
HEADERS = {
    "Traceparent": f"00-{TRACE_ID}-{PARENT_SPAN_ID}-01",
    "tracestate": "vendor=opaque",
    "Authorization": f"Bearer {FAKE_JWT}",
}
PROMPT = "zebra-unicorn asks: calculator 6*7"
SESSION = "session-telemetry-1"


async def drain_in_producer_task(
    make_stream: Callable[[], AsyncGenerator[Any, None]], *, stop_after: int | None = None, close: bool = True
) -> list[Any]:
    """The adapters' pattern: the runtime's ``produce_into`` runs the stream in one task, another reads.

    The consumer side asserts on every item that no trace context leaked into its own task. The producer
    closes the stream: when it is cancelled (client gone) the generator is then closed in the same task,
    so OpenTelemetry can detach what it attached (else: "Failed to detach context"). With ``close=False``
    the stream ignores that close and is left to asyncio's finaliser instead.
    """
    ambient = current_trace_id()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=1)  # backpressure, as in the adapters
    stream = make_stream()
    producer = asyncio.create_task(produce_into(queue, stream if close else Abandoned(stream)))
    items: list[Any] = []
    while True:
        kind, value = await queue.get()
        assert current_trace_id() == ambient, "trace context leaked into the consumer task"
        if kind == "error":
            raise value
        if kind == "end":
            break
        items.append(value)
        if stop_after is not None and len(items) >= stop_after:
            producer.cancel()
            break
    with contextlib.suppress(asyncio.CancelledError):
        await producer
    return items


class Abandoned:
    """A stream whose ``aclose`` does nothing: what a producer that never closes its stream leaves behind."""

    def __init__(self, stream: AsyncGenerator[Any, None]) -> None:
        self.stream = stream

    def __aiter__(self) -> AsyncGenerator[Any, None]:
        return self.stream

    async def aclose(self) -> None:
        """Left open on purpose."""


def our_detach_failures(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """OpenTelemetry's "Failed to detach context" errors raised in our frames (Strands' own aside)."""
    failures = []
    for record in caplog.records:
        frames = "".join(traceback.format_exception(*record.exc_info)) if record.exc_info else ""
        if "detach" in record.getMessage().lower() and "agent_scaffold_runtime" in frames:
            failures.append(record)
    return failures


def by_name(spans: list[ReadableSpan]) -> dict[str, list[ReadableSpan]]:
    named: dict[str, list[ReadableSpan]] = {}
    for span in spans:
        named.setdefault(span.name, []).append(span)
    return named


def all_text(spans: list[ReadableSpan]) -> str:
    """Every attribute and event attribute value of every span, for "is X anywhere?" checks."""
    parts: list[str] = []
    for span in spans:
        parts.extend(str(value) for value in (span.attributes or {}).values())
        for event in span.events:
            parts.extend(str(value) for value in (event.attributes or {}).values())
    return "\n".join(parts)


def run_traced(headers: dict[str, str], capture: TraceCapture | None = None, **kwargs: Any) -> list[Any]:
    parent = extract_trace_context(headers)
    return asyncio.run(
        drain_in_producer_task(
            lambda: traced_stream(
                lambda: core.stream_agent(PRINCIPAL, PROMPT, session_id=SESSION, **kwargs),
                parent,
                capture=capture,
            )
        )
    )


def test_strands_spans_carry_request_attributes(spans: InMemorySpanExporter) -> None:
    items = run_traced({})
    reply = items[-1]
    assert isinstance(reply, AgentReply) and reply.text == "The calculator tool returned: 42"

    finished = list(spans.get_finished_spans())
    named = by_name(finished)
    assert set(named) == {
        f"invoke_agent {core.AGENT_NAME}",
        "execute_event_loop_cycle",
        "chat",
        "execute_tool calculator",
    }
    assert len(named["execute_event_loop_cycle"]) == 2 and len(named["chat"]) == 2
    hashed = hashlib.sha256(b"alice@example.com").hexdigest()[:16]
    for span in finished:
        attributes = span.attributes or {}
        assert attributes["enduser.id"] == hashed, span.name
        assert attributes["session.id"] == SESSION
        assert attributes["agent.target"] == "fastapi"
        assert attributes["auth.method"] == "jwt"
    text = all_text(finished)
    assert "alice@example.com" not in text and FAKE_JWT not in text

    (agent_span,) = named[f"invoke_agent {core.AGENT_NAME}"]
    assert agent_span.parent is None  # no traceparent: the agent span starts the trace
    for span in finished:
        assert span.context.trace_id == agent_span.context.trace_id


def test_raw_user_id_when_hashing_is_off(spans: InMemorySpanExporter) -> None:
    run_traced({}, hash_user_id=False, target="lambda")
    for span in spans.get_finished_spans():
        assert (span.attributes or {})["enduser.id"] == "alice@example.com"
        assert (span.attributes or {})["agent.target"] == "lambda"


def test_agent_span_continues_the_incoming_traceparent(
    spans: InMemorySpanExporter, caplog: pytest.LogCaptureFixture
) -> None:
    capture = TraceCapture()
    with caplog.at_level(logging.DEBUG):
        run_traced(HEADERS, capture=capture)

    named = by_name(list(spans.get_finished_spans()))
    (agent_span,) = named[f"invoke_agent {core.AGENT_NAME}"]
    assert agent_span.parent is not None and agent_span.parent.is_remote
    assert format(agent_span.parent.span_id, "016x") == PARENT_SPAN_ID
    assert format(agent_span.context.trace_id, "032x") == TRACE_ID
    assert all(format(s.context.trace_id, "032x") == TRACE_ID for s in spans.get_finished_spans())
    assert capture.trace_id == TRACE_ID
    assert not [r for r in caplog.records if "detach" in r.getMessage().lower()]  # none at all, here
    assert FAKE_JWT not in caplog.text


def test_sync_path_as_the_lambda_handler_runs_it(spans: InMemorySpanExporter) -> None:
    parent = extract_trace_context(HEADERS)
    capture = TraceCapture()
    reply = run_sync(
        lambda: collect_reply(
            traced_stream(
                lambda: core.stream_agent(PRINCIPAL, PROMPT, session_id=SESSION), parent, capture=capture
            )
        )
    )
    assert reply.text == "The calculator tool returned: 42" and capture.trace_id == TRACE_ID
    (agent_span,) = by_name(list(spans.get_finished_spans()))[f"invoke_agent {core.AGENT_NAME}"]
    assert agent_span.parent is not None and format(agent_span.parent.span_id, "016x") == PARENT_SPAN_ID
    assert current_trace_id() is None


def test_without_traceparent_the_capture_holds_the_new_trace_id(spans: InMemorySpanExporter) -> None:
    capture = TraceCapture()
    run_traced({"authorization": f"Bearer {FAKE_JWT}"}, capture=capture)
    (agent_span,) = by_name(list(spans.get_finished_spans()))[f"invoke_agent {core.AGENT_NAME}"]
    assert capture.trace_id == format(agent_span.context.trace_id, "032x")


def test_ambient_server_span_stays_the_parent(spans: InMemorySpanExporter) -> None:
    """Under ADOT the server span is already current (and already continues the traceparent)."""
    tracer = trace.get_tracer("test-adot-like")
    with tracer.start_as_current_span("POST /invocations") as server_span:
        run_traced({"traceparent": "00-11111111111111111111111111111111-2222222222222222-01"})
    (agent_span,) = by_name(list(spans.get_finished_spans()))[f"invoke_agent {core.AGENT_NAME}"]
    assert agent_span.parent is not None
    assert agent_span.parent.span_id == server_span.get_span_context().span_id
    assert agent_span.context.trace_id == server_span.get_span_context().trace_id


@pytest.mark.parametrize("close", [True, False], ids=["aclosing", "abandoned"])
def test_client_going_away_mid_stream(
    close: bool, spans: InMemorySpanExporter, caplog: pytest.LogCaptureFixture
) -> None:
    """The producer is cancelled after two chunks, as when a streaming client disconnects.

    Our attach/detach stays clean whether the producer closes the stream (``aclosing``) or abandons it to
    asyncio's finaliser. Strands' own nested generators may still log "Failed to detach context" on an
    early close (its event loop does not close them); that noise is Strands', not asserted on here.
    """
    parent = extract_trace_context(HEADERS)
    with caplog.at_level(logging.DEBUG):
        items = asyncio.run(
            drain_in_producer_task(
                lambda: traced_stream(
                    lambda: core.stream_agent(PRINCIPAL, "say one two three four five", session_id=SESSION),
                    parent,
                ),
                stop_after=2,
                close=close,
            )
        )
    assert len(items) == 2
    assert our_detach_failures(caplog) == []
    if close:  # closed in the producer task: Strands ended the agent span under the remote parent
        (agent_span,) = by_name(list(spans.get_finished_spans()))[f"invoke_agent {core.AGENT_NAME}"]
        assert format(agent_span.context.trace_id, "032x") == TRACE_ID


def test_prompt_text_is_in_spans_unless_redaction_is_on(
    spans: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    import strands.telemetry.tracer as strands_tracer

    run_traced({})
    assert "zebra-unicorn" in all_text(list(spans.get_finished_spans()))  # the control: Strands records it
    spans.clear()

    monkeypatch.setenv(SEMCONV_OPT_IN, "gen_ai_tool_definitions")
    enable_span_redaction()
    assert set(os.environ[SEMCONV_OPT_IN].split(",")) == {
        "gen_ai_tool_definitions",
        "gen_ai_unredacted_attributes=",
    }
    monkeypatch.setattr(strands_tracer, "_tracer_instance", None)  # Strands reads the variable once
    items = run_traced({})
    assert items[-1].text == "The calculator tool returned: 42"
    text = all_text(list(spans.get_finished_spans()))
    assert "zebra-unicorn" not in text and "returned: 42" not in text
    assert "[REDACTED]" in text
