"""Reading W3C trace context from request headers, and attaching it only where it belongs."""

from __future__ import annotations

from agent_scaffold_runtime.telemetry import attached, current_trace_id, extract_trace_context
from opentelemetry import baggage, trace

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def remote_span_context(headers: dict[str, str]) -> trace.SpanContext:
    ctx = extract_trace_context(headers)
    assert ctx is not None
    return trace.get_current_span(ctx).get_span_context()


def test_traceparent_and_tracestate_any_header_case() -> None:
    for name in ("traceparent", "Traceparent", "TRACEPARENT"):
        span_context = remote_span_context({name: TRACEPARENT, "TraceState": "vendor=opaque,other=1"})
        assert span_context.is_remote and span_context.is_valid
        assert format(span_context.trace_id, "032x") == "4bf92f3577b34da6a3ce929d0e0e4736"
        assert format(span_context.span_id, "016x") == "00f067aa0ba902b7"
        assert span_context.trace_state.get("vendor") == "opaque"


def test_baggage_is_carried() -> None:
    ctx = extract_trace_context({"traceparent": TRACEPARENT, "baggage": "tenant=acme,plan=pro"})
    assert ctx is not None and baggage.get_all(ctx) == {"tenant": "acme", "plan": "pro"}
    only_baggage = extract_trace_context({"baggage": "tenant=acme"})
    assert only_baggage is not None and baggage.get_baggage("tenant", only_baggage) == "acme"


def test_nothing_to_continue_is_none() -> None:
    assert extract_trace_context({}) is None
    assert extract_trace_context({"authorization": "Bearer abc", "content-type": "application/json"}) is None
    assert extract_trace_context({"traceparent": "not-a-traceparent"}) is None
    assert extract_trace_context({"traceparent": "00-" + "0" * 32 + "-00f067aa0ba902b7-01"}) is None


def test_attached_is_scoped_and_none_is_a_no_op() -> None:
    ctx = extract_trace_context({"traceparent": TRACEPARENT})
    assert current_trace_id() is None
    with attached(ctx):
        assert current_trace_id() == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert current_trace_id() is None
    with attached(None):
        assert current_trace_id() is None


def test_attached_keeps_a_span_that_is_already_current() -> None:
    """ADOT's server span is current already; the header's parent must not replace it."""
    ambient = trace.NonRecordingSpan(
        trace.SpanContext(trace_id=0xAB, span_id=0xCD, is_remote=False, trace_flags=trace.TraceFlags(1))
    )
    with trace.use_span(ambient), attached(extract_trace_context({"traceparent": TRACEPARENT})):
        assert current_trace_id() == format(0xAB, "032x")
