"""The agent's own metrics, one CloudWatch Embedded Metric Format (EMF) document per request.

With ``AGENT_METRICS=emf`` (every deployed target sets it) each request the agent ran writes one JSON line
on stdout that CloudWatch Logs turns into metrics in namespace ``AgentScaffold``, with dimensions
``service`` (``AGENT_SERVICE_NAME``, the project) and ``environment`` (``AGENT_ENVIRONMENT``):

| metric | unit | value |
| --- | --- | --- |
| ``Requests`` | Count | 1 |
| ``Errors`` | Count | 1 when the request failed with a 5xx, else 0 |
| ``Latency`` | Milliseconds | the request's duration |
| ``ToolCalls`` | Count | tool calls in the agent loop |
| ``ToolErrors`` | Count | tool calls whose result was an error (the tool raised, or a hook refused it) |
| ``InputTokens``, ``OutputTokens``, ``TotalTokens`` | Count | tokens over the whole agent loop |

``target``, ``status``, ``error_code`` and ``trace_id`` ride along as properties (searchable in Logs
Insights, not metrics). Lambda, ECS's ``awslogs`` driver and AgentCore all send stdout to the target's log
group, and CloudWatch extracts EMF there with no permission on the agent's role: no ``PutMetricData``, no
agent process, no network call in the request path. Off by default (``none``), so ``scaffold run`` prints
nothing extra; requests refused before the agent ran (a bad body, a bad token) have their log line but
no metrics, so ``TotalTokens`` averages over requests the agent answered.

The document is built by Powertools for AWS Lambda's ``EphemeralMetrics``: a well-kept EMF implementation
whose only dependencies (``jmespath``, ``typing-extensions``) already come with Strands and boto3. The
``Ephemeral`` variant keeps each request's metrics in its own instance, so concurrent requests in one
server never mix; ``aws-embedded-metrics`` was the alternative, but it pulls in ``aiohttp`` and its logger
picks a sink by probing the platform (a CloudWatch agent socket on ECS and EC2). The line is written by
us, in one ``write``, so lines from concurrent requests never interleave.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, Literal, cast

from ..env_values import answered, text
from ..reply import AgentReply
from .config import DEFAULT_SERVICE_NAME
from .logs import RequestMetrics

MetricsMode = Literal["none", "emf"]
MODES: tuple[MetricsMode, ...] = ("none", "emf")
NAMESPACE = "AgentScaffold"
DEFAULT_ENVIRONMENT = "local"

_write_lock = threading.Lock()
_telemetry_logger = logging.getLogger("agent_scaffold_runtime.telemetry")


@dataclass(frozen=True)
class MetricsConfig:
    """``mode``: ``none`` or ``emf``; ``service`` and ``environment``: the metrics' dimensions, which the
    deployed alarms (``scaffold.iac.alarms``) name too."""

    mode: MetricsMode = "none"
    service: str = DEFAULT_SERVICE_NAME
    environment: str = DEFAULT_ENVIRONMENT

    @property
    def enabled(self) -> bool:
        return self.mode == "emf"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, defaults: Mapping[str, Any] | None = None
    ) -> MetricsConfig:
        """Read ``AGENT_METRICS``, ``AGENT_SERVICE_NAME`` and ``AGENT_ENVIRONMENT``; an unknown mode is an
        error naming the variable, not a silent ``none``."""
        source = answered(env, defaults)
        mode = text(source, "AGENT_METRICS", "none").lower()
        if mode not in MODES:
            raise ValueError(f"AGENT_METRICS must be one of {', '.join(MODES)}; got {mode!r}.")
        service = text(source, "AGENT_SERVICE_NAME", DEFAULT_SERVICE_NAME)
        environment = text(source, "AGENT_ENVIRONMENT", DEFAULT_ENVIRONMENT)
        return cls(mode=cast(MetricsMode, mode), service=service, environment=environment)


def prepare(config: MetricsConfig) -> None:
    """Import the EMF library now (about 0.1 s) when metrics are on, so the first request does not wait for
    it; with SnapStart the import lands in the snapshot."""
    if config.enabled:
        import aws_lambda_powertools.metrics  # noqa: F401


def tool_errors(reply: AgentReply | None) -> int:
    """Tool calls of the agent loop whose result was an error."""
    if reply is None:
        return 0
    return sum(1 for call in reply.tool_trajectory if call.get("status") == "error")


def emf_document(config: MetricsConfig, request: RequestMetrics, reply: AgentReply | None) -> dict[str, Any]:
    """The request's metrics as one EMF document (a dict; ``json.dumps`` gives the log line)."""
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

    metrics = EphemeralMetrics(namespace=NAMESPACE, service=config.service)
    metrics.add_dimension(name="environment", value=config.environment)
    counts = {
        "Requests": 1,
        "Errors": 1 if request.status >= 500 else 0,
        "ToolCalls": sum(request.tool_calls.values()),
        "ToolErrors": tool_errors(reply),
        "InputTokens": request.usage.get("input_tokens", 0),
        "OutputTokens": request.usage.get("output_tokens", 0),
        "TotalTokens": request.usage.get("total_tokens", 0),
    }
    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    metrics.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=request.duration_ms)
    properties: dict[str, Any] = {
        "target": request.target,
        "status": request.status,
        "error_code": request.error_code,
        "trace_id": request.trace_id,
    }
    for key, value in properties.items():
        if value is not None:
            metrics.add_metadata(key=key, value=value)
    return cast(dict[str, Any], metrics.serialize_metric_set())


def emit_request_metrics(
    config: MetricsConfig,
    request: RequestMetrics,
    reply: AgentReply | None,
    *,
    stream: IO[str] | None = None,
) -> dict[str, Any] | None:
    """Write the request's EMF line (stdout by default) when metrics are on; return the document.

    Never raises: metrics that cannot be written must not fail a request that was served.
    """
    if not config.enabled:
        return None
    try:
        document = emf_document(config, request, reply)
        line = json.dumps(document, separators=(",", ":"), default=str) + "\n"
        out = stream or sys.stdout
        with _write_lock:
            out.write(line)
            out.flush()
        return document
    except Exception:
        _telemetry_logger.exception("Writing the request's metrics failed.")
        return None
