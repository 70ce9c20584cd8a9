"""Runtime settings, read from environment variables so one build runs unchanged in every environment.

Environment variables (an empty one counts as unset):

``AGENT_MODEL_PROVIDER``
    The model provider, one of ``agent_scaffold_runtime.models.PROVIDERS``; default ``offline``.
``AGENT_MODEL_ID``
    The model id for that provider; default ``DEFAULT_MODEL_ID``, the model chosen for the project.
``AGENT_SYSTEM_PROMPT``
    The agent's system prompt; default ``DEFAULT_SYSTEM_PROMPT``.
``AWS_REGION`` (or ``AWS_DEFAULT_REGION``)
    The AWS region, used by the Bedrock provider; default ``us-east-1``.

The orchestrator (added to the generated settings):

``ORCHESTRATOR_MAX_DELEGATIONS``
    How many times one request may call a specialist (default 6). The next call is refused and the
    orchestrator is stopped with a clear answer (``specialists.DelegationLimit``).
``ORCHESTRATOR_OFFLINE_SCRIPT``
    A JSON file of scripted offline-model turns per agent and prompt (``scripts/offline.json``); only read
    when the model provider is ``offline``. See the README ("Scripted offline runs").

Production wiring (defaults in ``RUNTIME_DEFAULTS`` below, from the template answers):

``AGENT_AUTH`` (``none``/``jwt``/``iam``) and ``AGENT_JWT_*``
    Who may call the agent; see ``agent_scaffold_runtime/auth``.
``AGENT_MEMORY`` (``none``/``file``/``s3``/``agentcore``), ``AGENT_SESSION_DIR``, ``AGENT_SESSION_BUCKET``,
``AGENT_MEMORY_ID``
    Where conversations are kept, per verified user; see ``agent_scaffold_runtime/memory``.
``AGENT_GUARDRAILS`` (``none``/``bedrock``/``local``), ``AGENT_GUARDRAIL_ID``, ``AGENT_POLICY_*``
    Input and output checks; see ``agent_scaffold_runtime/guardrails``.
``AGENT_TELEMETRY`` (``none``/``console``/``otlp``), ``AGENT_LOG_PROMPTS``, ``OTEL_*``
    Traces and the request log line; see ``agent_scaffold_runtime/telemetry``.
``AGENT_MAX_CYCLES``, ``AGENT_TOOL_TIMEOUT_SECONDS``, ``AGENT_REQUEST_TIMEOUT_SECONDS``,
``AGENT_MODEL_MAX_RETRIES``
    Runaway limits; see ``agent_scaffold_runtime/run_limits.py``.

When ``AGENT_MODEL_PROVIDER`` names another provider than the project's and ``AGENT_MODEL_ID`` is unset,
that provider's usual model is used (``agent_scaffold_runtime.models.DEFAULT_MODEL_IDS``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent_scaffold_runtime.models import DEFAULT_MODEL_IDS, PROVIDERS

DEFAULT_MODEL_PROVIDER = "offline"
DEFAULT_MODEL_ID = "offline"
DEFAULT_SYSTEM_PROMPT = (
    "You are a research orchestrator. Delegate fact finding to research_specialist "
    "and any calculation to math_specialist, then answer from what they return."
)
DEFAULT_AWS_REGION = "us-east-1"
DEFAULT_MAX_DELEGATIONS = 6
ORCHESTRATOR = "orchestrator"  # the orchestrator's agent name (the specialists' are their tool names)

#: The production wiring chosen when the project was generated (auth, memory, guardrails, telemetry).
#: Adapters and the core read these as defaults; the AGENT_* environment variables override them at run
#: time (see docs in agent_scaffold_runtime: auth, memory, guardrails, telemetry). Literals only: entrypoints
#: import this module at cold start.
RUNTIME_DEFAULTS: dict[str, str] = {
    "auth": "none",
    "memory": "file",
    "guardrails": "none",
    "telemetry": "console",
    "service_name": "research-orchestrator",
}


@dataclass(frozen=True)
class Settings:
    """Everything the agent core needs to know about its environment; immutable once read."""

    model_provider: str = DEFAULT_MODEL_PROVIDER
    model_id: str = DEFAULT_MODEL_ID
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    aws_region: str = DEFAULT_AWS_REGION
    max_delegations: int = DEFAULT_MAX_DELEGATIONS
    offline_script: str = ""

    def __post_init__(self) -> None:
        if self.model_provider not in PROVIDERS:
            raise ValueError(
                f"Unknown model provider {self.model_provider!r} (set AGENT_MODEL_PROVIDER); "
                f"choose one of: {', '.join(PROVIDERS)}."
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``environ`` (default: ``os.environ``); see the module docstring."""
        env = os.environ if environ is None else environ
        provider = _get(env, "AGENT_MODEL_PROVIDER").lower() or DEFAULT_MODEL_PROVIDER
        if provider == DEFAULT_MODEL_PROVIDER:
            fallback_model_id = DEFAULT_MODEL_ID
        else:
            fallback_model_id = DEFAULT_MODEL_IDS.get(provider, "")
        return cls(
            model_provider=provider,
            model_id=_get(env, "AGENT_MODEL_ID") or fallback_model_id,
            system_prompt=_get(env, "AGENT_SYSTEM_PROMPT") or DEFAULT_SYSTEM_PROMPT,
            aws_region=_get(env, "AWS_REGION") or _get(env, "AWS_DEFAULT_REGION") or DEFAULT_AWS_REGION,
            max_delegations=_positive(env, "ORCHESTRATOR_MAX_DELEGATIONS", DEFAULT_MAX_DELEGATIONS),
            offline_script=_get(env, "ORCHESTRATOR_OFFLINE_SCRIPT"),
        )

    def scripted_turns(self, agent: str, prompt: str) -> list[dict[str, Any]] | None:
        """The offline model's turns for ``agent`` answering ``prompt``, from ``ORCHESTRATOR_OFFLINE_SCRIPT``.

        The file maps agent names to ``{prompt: turns}`` (``{"orchestrator": {"What is ...?": [{"tool":
        "research_specialist", "input": {...}}]}, "math_specialist": {...}}``); prompts are matched
        ignoring case and spacing. Other prompts get the offline model's own rules.
        """
        if not self.offline_script or self.model_provider != "offline":
            return None
        # here, not at the top: entrypoints import this module at cold start, and the model is not cheap
        from agent_scaffold_runtime.offline_model import scripted_turns

        return scripted_turns(self.offline_script, prompt, section=agent)


def _get(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = _get(env, name)
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {raw!r}.")
    return int(raw)
