"""Telemetry settings, read from the environment so one artifact can be traced differently per deployment.

Only our own switches live here. Where to send spans (``OTEL_EXPORTER_OTLP_ENDPOINT``,
``OTEL_EXPORTER_OTLP_HEADERS``, ``OTEL_EXPORTER_OTLP_PROTOCOL``, ...) and what the service is called
(``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``) are the standard OpenTelemetry variables, read by the
OpenTelemetry SDK itself, so the same settings work with ADOT, collectors and every OTel backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from ..env_values import answered, flag, text

TelemetryMode = Literal["none", "console", "otlp"]
MODES: tuple[TelemetryMode, ...] = ("none", "console", "otlp")
DEFAULT_SERVICE_NAME = "strands-agent"


@dataclass(frozen=True)
class TelemetryConfig:
    """What this process traces and logs.

    ``mode``: ``none`` (no exporter of ours), ``console`` (spans as one JSON line each on stderr, so they
    never mix with an answer streamed to stdout) or ``otlp`` (OTLP/HTTP to the standard OTel endpoint).
    ``hash_user_id``: traces and logs carry a digest of the user id instead of the id itself.
    ``log_prompts``: off by default, which is "redaction on": no prompt or answer text in the request log
    line, and Strands' span redaction is switched on so span events carry ``[REDACTED]`` instead of text.
    """

    mode: TelemetryMode = "none"
    hash_user_id: bool = True
    log_prompts: bool = False
    service_name: str = DEFAULT_SERVICE_NAME

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, defaults: Mapping[str, Any] | None = None
    ) -> TelemetryConfig:
        """Read ``AGENT_TELEMETRY``, ``AGENT_TELEMETRY_HASH_USER_ID``, ``AGENT_LOG_PROMPTS``, service name.

        ``defaults`` are the project's own choices (``{"telemetry": "console", "service_name": "my-agent"}``);
        the environment wins over them. A value we cannot read is an error, not a silent default: a typo in
        ``AGENT_LOG_PROMPTS`` must not quietly change what ends up in logs.
        """
        source = answered(env, defaults)
        mode = text(source, "AGENT_TELEMETRY", "none").lower()
        if mode not in MODES:
            raise ValueError(f"AGENT_TELEMETRY must be one of {', '.join(MODES)}; got {mode!r}.")
        service_name = text(source, "OTEL_SERVICE_NAME") or text(
            source, "AGENT_SERVICE_NAME", DEFAULT_SERVICE_NAME
        )
        return cls(
            mode=cast(TelemetryMode, mode),
            hash_user_id=flag(source, "AGENT_TELEMETRY_HASH_USER_ID", default=True),
            log_prompts=flag(source, "AGENT_LOG_PROMPTS", default=False),
            service_name=service_name.strip(),
        )
