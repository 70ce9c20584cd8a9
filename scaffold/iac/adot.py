"""The environment AgentCore Runtime's observability expects of an agent started under ADOT.

With telemetry on, the AgentCore container and code zip start the server under ``opentelemetry-instrument``
(the AWS Distro for OpenTelemetry, the project's ``adot`` runtime extra). These variables make that
process use the AWS distro and configurator, export traces over OTLP/HTTP to the runtime's endpoint, and
emit Strands' spans in the current GenAI semantic conventions, which CloudWatch GenAI observability reads.
Each is documented in docs/telemetry.md; the project's ``environment`` deploy setting overrides any.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .environment import answer


def adot_environment(answers: Mapping[str, Any]) -> dict[str, str]:
    """``{}`` when telemetry is off; otherwise the ADOT variables for an AgentCore runtime."""
    if answer(answers, "telemetry", "none") == "none":
        return {}
    env = {
        "AGENT_OBSERVABILITY_ENABLED": "true",
        "OTEL_PYTHON_DISTRO": "aws_distro",
        "OTEL_PYTHON_CONFIGURATOR": "aws_configurator",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental",
    }
    project_name = answer(answers, "project_name")
    if project_name:
        env["OTEL_RESOURCE_ATTRIBUTES"] = f"service.name={project_name}"
    return env
