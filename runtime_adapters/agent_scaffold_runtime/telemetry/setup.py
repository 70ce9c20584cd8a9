"""Process-wide tracing setup: our exporter, or whatever ADOT already installed.

How each mode ends up exporting spans:

- ``none``: nothing is installed. Strands still calls the OpenTelemetry API, which without a provider
  costs next to nothing and exports nothing.
- ``console``: an SDK ``TracerProvider`` with a console exporter writing one JSON line per span to stderr
  (the local target streams the answer on stdout, so spans must not land there).
- ``otlp``: an SDK ``TracerProvider`` with a batching OTLP/HTTP exporter configured by the standard
  ``OTEL_EXPORTER_OTLP_*`` variables; needs ``opentelemetry-exporter-otlp-proto-http``
  (``strands-agents[otel]``). On Lambda, call ``flush_telemetry()`` before the invocation returns.
- ADOT (AgentCore, or anywhere the process runs under ``opentelemetry-instrument``): the AWS distro has
  already set the global tracer provider, exporters and propagators before our code runs, so we keep them
  whatever ``mode`` says. On AgentCore the image installs ``aws-opentelemetry-distro`` and prefixes the
  container command with ``opentelemetry-instrument``, e.g.
  ``opentelemetry-instrument uvicorn <pkg>.entrypoints.agentcore_app:app --host 0.0.0.0 --port 8080``;
  the runtime supplies the ``OTEL_*`` settings (CloudWatch Transaction Search must be enabled once per
  account). Elsewhere the same launch line works with ``OTEL_PYTHON_DISTRO=aws_distro``,
  ``OTEL_PYTHON_CONFIGURATOR=aws_configurator``, ``AGENT_OBSERVABILITY_ENABLED=true`` and the exporter
  variables set by hand. If those variables are set but no provider exists (the ``opentelemetry-instrument``
  prefix is missing), a warning says so and ``mode`` applies.

Whatever the exporter, ``log_prompts=False`` switches on Strands' span redaction (the
``gen_ai_unredacted_attributes=`` token of ``OTEL_SEMCONV_STABILITY_OPT_IN``), because span events become
log records too (stderr, CloudWatch ``aws/spans``). An operator's own token in that variable is respected.
Call ``setup_telemetry`` before the first ``Agent`` is built: Strands reads that variable once.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from .config import TelemetryConfig

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider

logger = logging.getLogger("agent_scaffold_runtime.telemetry")

SEMCONV_OPT_IN = "OTEL_SEMCONV_STABILITY_OPT_IN"
REDACT_ALL = "gen_ai_unredacted_attributes="
_lock = threading.Lock()
_configured: TelemetryConfig | None = None


def setup_telemetry(config: TelemetryConfig) -> None:
    """Configure tracing once per process; later calls change nothing (a different config is logged)."""
    global _configured
    with _lock:
        if _configured is not None:
            if config != _configured:
                logger.warning("Telemetry is already set up (mode=%s); ignoring this call.", _configured.mode)
            return
        _configured = config
        external = provider_configured()
        if config.mode == "none" and not external:
            return
        if not config.log_prompts:
            enable_span_redaction()
        if external:
            logger.info("Using the tracer provider already configured (ADOT / opentelemetry-instrument).")
            return
        if _adot_expected():
            logger.warning(
                "OTEL_PYTHON_DISTRO/AGENT_OBSERVABILITY_ENABLED are set but no tracer provider is configured;"
                " is the process started with opentelemetry-instrument? Falling back to AGENT_TELEMETRY=%s.",
                config.mode,
            )
        _install_global(build_tracer_provider(config))


def provider_configured() -> bool:
    """True when something (normally ADOT's ``opentelemetry-instrument``) already set the global provider."""
    from opentelemetry import trace

    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


def build_tracer_provider(config: TelemetryConfig) -> TracerProvider:
    """An SDK provider with the exporter ``config.mode`` asks for; not installed globally (tests use this).

    The same wiring as Strands' ``StrandsTelemetry().setup_console_exporter()`` / ``setup_otlp_exporter()``,
    built on the OpenTelemetry SDK directly so that setting up tracing does not import all of Strands at
    cold start, and so the console exporter can write compact lines to stderr.
    """
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": config.service_name}))
    if config.mode == "console":
        exporter = ConsoleSpanExporter(out=sys.stderr, formatter=_one_line)
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif config.mode == "otlp":
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError:
            logger.warning(
                "AGENT_TELEMETRY=otlp needs opentelemetry-exporter-otlp-proto-http "
                "(pip install 'strands-agents[otel]'); spans will not be exported."
            )
        else:
            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def flush_telemetry(timeout_millis: int = 5000) -> bool:
    """Export buffered spans now; for Lambda, whose process is frozen as soon as the handler returns."""
    from opentelemetry import trace

    force_flush: Any = getattr(trace.get_tracer_provider(), "force_flush", None)
    if force_flush is None:
        return True
    try:
        return bool(force_flush(timeout_millis))
    except Exception:
        logger.warning("Flushing spans failed.", exc_info=True)
        return False


def enable_span_redaction(environ: MutableMapping[str, str] | None = None) -> None:
    """Ask Strands to write ``[REDACTED]`` for prompts, answers and tool input/output in spans."""
    environ = os.environ if environ is None else environ
    tokens = [token.strip() for token in environ.get(SEMCONV_OPT_IN, "").split(",") if token.strip()]
    if any(token.startswith(REDACT_ALL) for token in tokens):
        return
    environ[SEMCONV_OPT_IN] = ",".join([*tokens, REDACT_ALL])
    if "strands.telemetry.tracer" in sys.modules and getattr(
        sys.modules["strands.telemetry.tracer"], "_tracer_instance", None
    ):
        logger.warning("Strands' tracer was created before setup_telemetry, so its spans stay unredacted.")


def _adot_expected() -> bool:
    observability = os.environ.get("AGENT_OBSERVABILITY_ENABLED", "").strip().lower() in {"1", "true", "yes"}
    return bool(os.environ.get("OTEL_PYTHON_DISTRO", "").strip()) or observability


def _install_global(provider: TracerProvider) -> None:
    from opentelemetry import propagate, trace
    from opentelemetry.baggage.propagation import W3CBaggagePropagator
    from opentelemetry.propagators.composite import CompositePropagator
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    trace.set_tracer_provider(provider)
    w3c = CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])
    propagate.set_global_textmap(w3c)


def _one_line(span: ReadableSpan) -> str:
    return span.to_json(indent=None) + os.linesep
