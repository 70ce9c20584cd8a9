"""Telemetry for every target: Strands traces with request attributes, and one JSON log line per request.

Configuration (environment; project defaults via ``TelemetryConfig.from_env(defaults=...)``):

| variable | default | meaning |
| --- | --- | --- |
| ``AGENT_TELEMETRY`` | ``none`` | ``none``, ``console`` (spans on stderr) or ``otlp`` |
| ``AGENT_TELEMETRY_HASH_USER_ID`` | ``true`` | traces and logs carry sha256(user id)[:16], not the id |
| ``AGENT_LOG_PROMPTS`` | ``false`` | prompt/answer text in the request log line and in spans |
| ``AGENT_SERVICE_NAME`` | ``strands-agent`` | ``service.name``; ``OTEL_SERVICE_NAME`` wins when set |
| ``AGENT_METRICS`` | ``none`` | ``emf``: one CloudWatch EMF line per request on stdout (``metrics.py``) |
| ``AGENT_ENVIRONMENT`` | ``local`` | the ``environment`` dimension of those metrics |
| ``OTEL_EXPORTER_OTLP_ENDPOINT`` … | | standard OpenTelemetry exporter settings, read by the SDK |

Under ADOT (``opentelemetry-instrument``, as on AgentCore) the provider ADOT installed is used as it is;
see ``setup.py``. Wiring, in an adapter::

    config = TelemetryConfig.from_env(defaults=settings)
    setup_telemetry(config)                       # once, at startup
    configure_json_logging("INFO")
    ...
    parent = extract_trace_context(request.headers)
    capture = TraceCapture()
    agent = Agent(..., trace_attributes=trace_attributes(principal, session_id, "fastapi"))
    # inside the ONE task that consumes the core's stream (aclosing: see traced_stream):
    async with contextlib.aclosing(traced_stream(lambda: stream_agent(...), parent, capture=capture)) as s:
        async for item in s: ...
    log_request(None, target="fastapi", principal=principal, session_id=session_id, reply=reply,
                status=200, error_code=None, started=started, prompt=prompt, config=config,
                trace_id=capture.trace_id)

Synchronously (the Lambda handler), the stream is created and drained in one ``run_sync`` task::

    reply = run_sync(lambda: collect_reply(traced_stream(lambda: stream_agent(...), parent, capture=capture)))
    flush_telemetry()                             # before returning: Lambda freezes the process

Every module here imports OpenTelemetry lazily, inside the functions that need it.
"""

from .attributes import Target, trace_attributes, user_ref
from .config import TelemetryConfig, TelemetryMode
from .context import TraceCapture, attached, current_trace_id, extract_trace_context, traced_stream
from .logs import (
    REQUEST_LOGGER,
    JsonFormatter,
    RequestMetrics,
    configure_json_logging,
    log_request,
    scrub,
)
from .metrics import MetricsConfig, emit_request_metrics
from .setup import build_tracer_provider, flush_telemetry, provider_configured, setup_telemetry

__all__ = [
    "REQUEST_LOGGER",
    "JsonFormatter",
    "MetricsConfig",
    "RequestMetrics",
    "Target",
    "TelemetryConfig",
    "TelemetryMode",
    "TraceCapture",
    "attached",
    "build_tracer_provider",
    "configure_json_logging",
    "current_trace_id",
    "emit_request_metrics",
    "extract_trace_context",
    "flush_telemetry",
    "log_request",
    "provider_configured",
    "scrub",
    "setup_telemetry",
    "trace_attributes",
    "traced_stream",
    "user_ref",
]
