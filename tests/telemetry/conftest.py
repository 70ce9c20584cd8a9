"""An in-memory span exporter on the process's one global tracer provider, installed once per session.

OpenTelemetry lets a process set its global provider only once, and Strands' tracer asks the global API, so
the session fixture installs an SDK provider (or joins one some earlier test installed) and each test gets
the same exporter, emptied.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from agent_scaffold_runtime.testing import capture_spans
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@pytest.fixture(scope="session")
def span_exporter() -> InMemorySpanExporter:
    """An in-memory exporter on the process's one global tracer provider (OpenTelemetry allows one)."""
    return capture_spans()


@pytest.fixture()
def spans(span_exporter: InMemorySpanExporter) -> Iterator[InMemorySpanExporter]:
    span_exporter.clear()
    yield span_exporter
    span_exporter.clear()
