"""W3C trace context from incoming requests, attached where the agent actually runs.

Why the care: OpenTelemetry keeps the current span in a ``contextvars`` variable, and a token attached in one
task (or thread) can only be detached in that same task. The async adapters run the core's async generator
in one producer task (``runtime_adapters/service.py``) while the response is written from another, so
the remote parent must be attached *inside* the producer: wrap the stream with ``traced_stream`` and iterate
it there. Strands itself keeps its agent and cycle spans current across ``yield`` in the same way, which is
also why ``TraceCapture`` can read the agent's trace id between items.

OpenTelemetry is imported inside the functions, so importing this module costs nothing at cold start.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from opentelemetry.context import Context

T = TypeVar("T")
TRACE_HEADERS = ("traceparent", "tracestate", "baggage")


def extract_trace_context(headers: Mapping[str, str]) -> Context | None:
    """The remote parent named by W3C ``traceparent``/``tracestate`` (and ``baggage``), or ``None``.

    Header names are matched case-insensitively (Lambda events keep the client's spelling) and only these
    three headers are ever read, so credentials in other headers never pass through telemetry code. The W3C
    propagators are used explicitly rather than the global one: the wire contract is W3C whatever
    propagators a process has configured. ``None`` means there is nothing to continue (no valid
    ``traceparent`` and no baggage), so callers can skip attaching.
    """
    from opentelemetry import baggage, trace
    from opentelemetry import context as otel_context
    from opentelemetry.baggage.propagation import W3CBaggagePropagator
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    carrier = {key.lower(): value for key, value in headers.items() if key.lower() in TRACE_HEADERS}
    if not carrier:
        return None
    ctx = TraceContextTextMapPropagator().extract(carrier, context=otel_context.get_current())
    ctx = W3CBaggagePropagator().extract(carrier, context=ctx)
    has_parent = trace.get_current_span(ctx).get_span_context().is_valid
    if not has_parent and not baggage.get_all(ctx):
        return None
    return ctx


@contextmanager
def attached(context: Context | None) -> Iterator[None]:
    """Make ``context`` current for the ``with`` block; enter and leave it in the same task or thread.

    Nothing is attached when ``context`` is ``None`` or a span is already current: under ADOT
    auto-instrumentation (``opentelemetry-instrument``) the server or Lambda span is already current and is
    itself a child of the same ``traceparent``, so the agent belongs under it rather than beside it.
    """
    if context is None or _span_is_current():
        yield
        return
    from opentelemetry import context as otel_context

    owner = _owner()
    token = otel_context.attach(context)
    try:
        yield
    finally:
        # A generator abandoned without ``aclose`` is finalised by asyncio in a fresh task, where the token
        # cannot be reset (OpenTelemetry would log "Failed to detach context"); that task's context is
        # thrown away anyway, so skipping is correct rather than merely quiet.
        if _owner() == owner:
            otel_context.detach(token)


@dataclass
class TraceCapture:
    """Receives the trace id the agent ran under, for the request log line written after the stream ends."""

    trace_id: str | None = None

    def observe(self) -> None:
        if self.trace_id is None:
            self.trace_id = current_trace_id()


async def traced_stream(
    stream_factory: Callable[[], AsyncIterator[T]],
    context: Context | None,
    *,
    capture: TraceCapture | None = None,
) -> AsyncGenerator[T, None]:
    """Create the core's stream under ``context`` and yield its items; create and consume it in ONE task.

    ``stream_factory`` is called after the context is attached (a lambda around ``stream_agent(...)``), so
    the agent span Strands starts on the first item has the remote parent. The inner stream is closed
    before the context is detached, which keeps the contextvars tokens in order even when the consumer
    stops early. ``capture`` records the agent's trace id as items go by.

    Consume it with ``async with contextlib.aclosing(traced_stream(...)) as stream`` so that a cancelled
    producer closes it (and, through it, the core's stream) in the same task; the core should do the same
    around ``agent.stream_async``. Otherwise asyncio finalises abandoned generators later in another task,
    where Strands' own spans can no longer detach their context.
    """
    with attached(context):
        stream = stream_factory()
        try:
            async for item in stream:
                if capture is not None:
                    capture.observe()
                yield item
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()


def current_trace_id() -> str | None:
    """The current span's trace id as 32 hex digits, or ``None`` outside any valid span."""
    from opentelemetry import trace

    span_context = trace.get_current_span().get_span_context()
    return format(span_context.trace_id, "032x") if span_context.is_valid else None


def _owner() -> object:
    """The task (or, outside asyncio, the thread) whose context an attach token belongs to."""
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    return task if task is not None else threading.get_ident()


def _span_is_current() -> bool:
    from opentelemetry import trace

    return bool(trace.get_current_span().get_span_context().is_valid)
