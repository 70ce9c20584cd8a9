"""The ``AGENT_*`` environment of a deployed agent, from the project's answers: one mapping for every target.

A generated project already defaults to its answers (``RUNTIME_DEFAULTS`` in ``settings.py``), so these
variables change nothing about how it behaves; they make the deployed configuration visible and
overridable where operators look (the function's, runtime's or task's environment), and they pin the
values the IAM policy was scoped to (bucket, prefix, memory, guardrail), so the code and its permissions
cannot disagree. The deployers call this too. See docs/configuration.md for each variable.

Every deployed agent also gets ``AGENT_ENVIRONMENT`` (the deployment environment, ``environments.toml``) and
``AGENT_METRICS=emf``: the runtime writes its own metrics (tool errors, tokens, latency) as CloudWatch
Embedded Metric Format lines, which CloudWatch turns into metrics in the target's log group with no extra
permission; the alarms (``scaffold.iac.alarms``) watch them by service and environment. Locally neither is
set, so ``scaffold run`` prints no metrics.

Left out on purpose: ``AGENT_SYSTEM_PROMPT`` (already a default in the code, and Lambda caps the whole
environment at 4 KB), ``AWS_REGION`` (reserved on Lambda, set by every AWS runtime) and secrets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..environments.settings import DEFAULT_ENVIRONMENT

DEFAULT_SESSION_PREFIX = "sessions/"


def answer(answers: Mapping[str, Any], key: str, default: str = "") -> str:
    """An answer as a stripped string: older projects may lack a question, and YAML may give non-strings."""
    value = answers.get(key)
    return default if value is None else str(value).strip() or default


def session_prefix(answers: Mapping[str, Any]) -> str:
    """The S3 key prefix of sessions; the runtime reads it from ``AGENT_SESSION_PREFIX`` and the policy is
    scoped to it, so both take it from here."""
    prefix = answer(answers, "session_prefix").strip("/")
    # Never empty: an empty AGENT_SESSION_PREFIX means the runtime's default, so the two would disagree.
    return f"{prefix}/" if prefix else DEFAULT_SESSION_PREFIX


def _auth(answers: Mapping[str, Any]) -> dict[str, str]:
    return {
        "AGENT_JWT_DISCOVERY_URL": answer(answers, "jwt_discovery_url"),
        "AGENT_JWT_ALLOWED_CLIENTS": answer(answers, "jwt_allowed_clients"),
        "AGENT_JWT_ALLOWED_AUDIENCES": answer(answers, "jwt_allowed_audiences"),
        "AGENT_JWT_ALLOWED_SCOPES": answer(answers, "jwt_allowed_scopes"),
    }


def _s3_memory(answers: Mapping[str, Any]) -> dict[str, str]:
    return {
        "AGENT_SESSION_BUCKET": answer(answers, "session_bucket"),
        "AGENT_SESSION_PREFIX": session_prefix(answers),
    }


def _agentcore_memory(answers: Mapping[str, Any]) -> dict[str, str]:
    return {"AGENT_MEMORY_ID": answer(answers, "memory_id")}


def _bedrock_guardrail(answers: Mapping[str, Any]) -> dict[str, str]:
    return {"AGENT_GUARDRAIL_ID": answer(answers, "guardrail_id")}


_Section = Callable[[Mapping[str, Any]], dict[str, str]]

# (answer, its value) -> the variables that value needs besides the answer itself.
_DETAILS: Mapping[tuple[str, str], _Section] = {
    ("auth", "jwt"): _auth,
    ("memory", "s3"): _s3_memory,
    ("memory", "agentcore"): _agentcore_memory,
    ("guardrails", "bedrock"): _bedrock_guardrail,
}

# answer -> (variable, default when the answer is missing)
_CHOICES: Mapping[str, tuple[str, str]] = {
    "model_provider": ("AGENT_MODEL_PROVIDER", "offline"),
    "model_id": ("AGENT_MODEL_ID", ""),
    "auth": ("AGENT_AUTH", "none"),
    "memory": ("AGENT_MEMORY", "file"),
    "guardrails": ("AGENT_GUARDRAILS", "none"),
    "telemetry": ("AGENT_TELEMETRY", "none"),
}


def agent_environment(
    answers: Mapping[str, Any], *, environment: str = DEFAULT_ENVIRONMENT
) -> dict[str, str]:
    """``{"AGENT_MODEL_PROVIDER": "bedrock", ...}`` for ``answers``, deployed in ``environment``; empty values
    are left out (the runtime treats an empty variable as unset, and a deployer may fill one in, e.g. a
    bucket it created)."""
    env: dict[str, str] = {"AGENT_ENVIRONMENT": environment, "AGENT_METRICS": "emf"}
    for key, (variable, default) in _CHOICES.items():
        value = answer(answers, key, default)
        env[variable] = value
        details = _DETAILS.get((key, value))
        if details is not None:
            env.update(details(answers))
    project_name = answer(answers, "project_name")
    if project_name:
        env["AGENT_SERVICE_NAME"] = project_name
    return {name: value for name, value in env.items() if value}
