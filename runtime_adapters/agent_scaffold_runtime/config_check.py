"""Read every run-time setting once at startup, and explain a failure as one line a person can act on.

The agent reads its settings per request (so a changed variable applies without a restart), which means a
missing one (``AGENT_MEMORY=s3`` without ``AGENT_SESSION_BUCKET``) would otherwise surface on the first
request, as a 500 and a traceback inside a JSON log line. Adapters call ``check_configuration`` when they
start instead: the command line prints the message and exits 2, servers refuse to start (like a bad auth
setting), and the message names the variable to set.

``explain_failure`` does the same for the failures a newcomer meets first on a real model provider: no
AWS credentials. It walks the exception chain, so it works whatever the model SDK wrapped the error in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OFFLINE_HINT = "or run offline with AGENT_MODEL_PROVIDER=offline"
_NO_CREDENTIALS = ("NoCredentialsError", "PartialCredentialsError", "NoAuthTokenError")
_EXPIRED = ("TokenRetrievalError", "SSOTokenLoadError", "UnauthorizedSSOTokenError")
_EXPIRED_CODES = ("ExpiredTokenException", "ExpiredToken", "UnrecognizedClientException")


class ConfigurationError(ValueError):
    """A run-time setting is missing or invalid; the message names the environment variable to set."""


def check_configuration(defaults: Mapping[str, Any] | None = None) -> None:
    """Raise ``ConfigurationError`` if memory, guardrails, telemetry or metrics cannot be configured from the
    env."""
    from .guardrails import GuardrailConfig
    from .memory import MemoryConfig
    from .run_limits import RunLimits
    from .telemetry import TelemetryConfig
    from .telemetry.metrics import MetricsConfig

    try:
        MemoryConfig.from_env(defaults=defaults)
        GuardrailConfig.from_env(defaults=defaults)
        TelemetryConfig.from_env(defaults=defaults)
        MetricsConfig.from_env(defaults=defaults)
        RunLimits.from_env()
    except ValueError as exc:
        raise ConfigurationError(" ".join(str(exc).split())) from None


def explain_failure(exc: BaseException | None) -> str | None:
    """One line for a failure with a known remedy (credentials, configuration), else ``None``."""
    for cause in _chain(exc):
        name = type(cause).__name__
        if name in _NO_CREDENTIALS:
            return (
                "No AWS credentials found for the model provider. Provide them with AWS_PROFILE (after `aws "
                "configure` or `aws sso login`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                f"{OFFLINE_HINT}."
            )
        if name in _EXPIRED or _error_code(cause) in _EXPIRED_CODES:
            return (
                "The AWS credentials were refused or have expired. Refresh them (`aws sso login`, new "
                f"access keys), {OFFLINE_HINT}."
            )
        if isinstance(cause, ConfigurationError):
            return str(cause)
    return None


def _chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and all(exc is not other for other in seen):
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""
