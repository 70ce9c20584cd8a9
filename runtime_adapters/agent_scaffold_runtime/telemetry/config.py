"""Telemetry settings, read from the environment so one artifact can be traced differently per deployment.

Only our own switches live here. Where to send spans (``OTEL_EXPORTER_OTLP_ENDPOINT``,
``OTEL_EXPORTER_OTLP_HEADERS``, ``OTEL_EXPORTER_OTLP_PROTOCOL``, ...) and what the service is called
(``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``) are the standard OpenTelemetry variables, read by the
OpenTelemetry SDK itself, so the same settings work with ADOT, collectors and every OTel backend.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from ..env_values import flag

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
        env = os.environ if env is None else env
        defaults = defaults or {}
        mode = (_get(env, "AGENT_TELEMETRY") or str(defaults.get("telemetry") or "none")).strip().lower()
        if mode not in MODES:
            raise ValueError(f"AGENT_TELEMETRY must be one of {', '.join(MODES)}; got {mode!r}.")
        service_name = (
            _get(env, "OTEL_SERVICE_NAME")
            or _get(env, "AGENT_SERVICE_NAME")
            or str(defaults.get("service_name") or DEFAULT_SERVICE_NAME)
        )
        return cls(
            mode=cast(TelemetryMode, mode),
            hash_user_id=flag(env, "AGENT_TELEMETRY_HASH_USER_ID", default=True),
            log_prompts=flag(env, "AGENT_LOG_PROMPTS", default=False),
            service_name=service_name.strip(),
        )


def _get(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()
