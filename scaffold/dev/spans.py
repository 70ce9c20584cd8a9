"""Spans kept in memory in the dev server process, so the playground can draw each turn's trace.

``SpanCollector`` is an OpenTelemetry ``SpanProcessor``: Strands ends its agent, cycle, model and tool spans
in this process, and the collector keeps the most recent traces (bounded), keyed by trace id. The page
sends a ``traceparent`` header with each turn; the runtime continues that trace (``extract_trace_context``),
so the page knows which trace id to ask for.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.sdk.trace import Span, TracerProvider

MAX_TRACES = 200
MAX_SPANS_PER_TRACE = 2000
AGENT_SPAN_PREFIX = "invoke_agent"


class SpanCollector(SpanProcessor):
    """Keeps spans grouped by trace; the oldest trace goes first when ``max_traces`` is reached.

    Spans still open are tracked too: a turn cut short (a timeout cancels it) can leave a span that never
    ends, and the page shows it as such rather than waiting for it.
    """

    def __init__(self, max_traces: int = MAX_TRACES) -> None:
        self._traces: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self._open: dict[str, dict[str, dict[str, Any]]] = {}
        self._max_traces = max_traces
        self._lock = threading.Lock()

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        record = span_record(span)
        with self._lock:
            self._traces.setdefault(record["trace_id"], [])
            self._open.setdefault(record["trace_id"], {})[record["span_id"]] = record
            self._forget_oldest()

    def on_end(self, span: ReadableSpan) -> None:
        record = span_record(span)
        with self._lock:
            self._open.get(record["trace_id"], {}).pop(record["span_id"], None)
            spans = self._traces.setdefault(record["trace_id"], [])
            self._traces.move_to_end(record["trace_id"])
            if len(spans) < MAX_SPANS_PER_TRACE:
                spans.append(record)
            self._forget_oldest()

    def _forget_oldest(self) -> None:
        while len(self._traces) > self._max_traces:
            trace_id, _ = self._traces.popitem(last=False)
            self._open.pop(trace_id, None)

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True

    def trace(self, trace_id: str) -> list[dict[str, Any]]:
        """The spans of one trace by start time; spans still open are marked ``open`` and end now."""
        now = time.time_ns()
        with self._lock:
            spans = list(self._traces.get(trace_id.lower(), ()))
            spans += [
                {**record, "open": True, "end_ns": now} for record in self._open.get(trace_id, {}).values()
            ]
        return sorted(spans, key=lambda record: record["start_ns"])

    def settled(self, trace_id: str) -> bool:
        """The turn is over: its agent span has ended, and no span is still running.

        A span left open although a child of it has ended was abandoned (a cancelled cycle), not running.
        """
        with self._lock:
            ended = list(self._traces.get(trace_id, ()))
            still_open = list(self._open.get(trace_id, {}).values())
        if not any(span["name"].startswith(AGENT_SPAN_PREFIX) for span in ended):
            return False
        parents = {span["parent_id"] for span in ended}
        return all(span["span_id"] in parents for span in still_open)

    def traces_for_session(self, session_id: str) -> list[str]:
        with self._lock:
            return [
                trace_id
                for trace_id, spans in self._traces.items()
                if any(span["attributes"].get("session.id") == session_id for span in spans)
            ]


def span_record(span: ReadableSpan | Span) -> dict[str, Any]:
    """A JSON-ready view of a finished span: hex ids, times in ns, attributes and events as plain values."""
    context = span.get_span_context()
    parent = span.parent
    status = span.status
    return {
        "trace_id": format(context.trace_id, "032x") if context else "",
        "span_id": format(context.span_id, "016x") if context else "",
        "parent_id": format(parent.span_id, "016x") if parent else None,
        "name": span.name,
        "start_ns": span.start_time or 0,
        "end_ns": span.end_time or span.start_time or 0,
        "status": status.status_code.name.lower(),
        "error": status.description or None,
        "attributes": _plain(span.attributes or {}),
        "events": [
            {"name": event.name, "time_ns": event.timestamp, "attributes": _plain(event.attributes or {})}
            for event in span.events
        ],
    }


def install_collector(collector: SpanCollector, *, service_name: str, otlp_endpoint: str | None) -> None:
    """Make an SDK provider with ``collector`` (and an OTLP exporter when asked) the global provider.

    Installed before the project's app is imported, so the runtime's ``setup_telemetry`` finds a provider
    already configured and keeps it, as it does under ADOT, and Strands' tracer picks it up.
    """
    from opentelemetry import trace

    trace.set_tracer_provider(
        build_provider(collector, service_name=service_name, otlp_endpoint=otlp_endpoint)
    )


def build_provider(
    collector: SpanCollector, *, service_name: str, otlp_endpoint: str | None
) -> TracerProvider:
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(collector)
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=traces_endpoint(otlp_endpoint)))
        )
    return provider


def traces_endpoint(url: str) -> str:
    """``http://collector:4318`` -> ``http://collector:4318/v1/traces``; a full path is kept as given."""
    stripped = url.rstrip("/")
    return stripped if stripped.endswith("/v1/traces") else f"{stripped}/v1/traces"


def _plain(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in attributes.items()}
