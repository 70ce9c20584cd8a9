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

Production wiring: ``AGENT_AUTH``, ``AGENT_MEMORY``, ``AGENT_GUARDRAILS``, ``AGENT_TELEMETRY``, the runaway
limits (``AGENT_MAX_CYCLES``, ``AGENT_REQUEST_TIMEOUT_SECONDS``, ...) and their details are read by the
runtime library (``agent_scaffold_runtime.auth``, ``.memory``, ``.guardrails``, ``.telemetry``,
``.run_limits``), with ``RUNTIME_DEFAULTS`` below (the template answers) as defaults.

The model's variables are read by ``agent_scaffold_runtime.models.model_settings``: when
``AGENT_MODEL_PROVIDER`` names another provider than the project's and ``AGENT_MODEL_ID`` is unset, that
provider's usual model is used (``DEFAULT_MODEL_IDS``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent_scaffold_runtime.env_values import positive_int, text
from agent_scaffold_runtime.models import model_settings

DEFAULT_MODEL_PROVIDER = "offline"
DEFAULT_MODEL_ID = "offline"
DEFAULT_SYSTEM_PROMPT = (
    "You are a research orchestrator. Delegate fact finding to research_specialist "
    "and any calculation to math_specialist, then answer from what they return."
)
DEFAULT_AWS_REGION = "us-east-1"
MAX_DELEGATIONS = 6
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
    max_delegations: int = MAX_DELEGATIONS
    offline_script: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``environ`` (default: ``os.environ``); see the module docstring."""
        env = os.environ if environ is None else environ
        return cls(
            **model_settings(
                env, provider=DEFAULT_MODEL_PROVIDER, model_id=DEFAULT_MODEL_ID, aws_region=DEFAULT_AWS_REGION
            ),
            system_prompt=text(env, "AGENT_SYSTEM_PROMPT", DEFAULT_SYSTEM_PROMPT),
            max_delegations=positive_int(env, "ORCHESTRATOR_MAX_DELEGATIONS", default=MAX_DELEGATIONS),
            offline_script=text(env, "ORCHESTRATOR_OFFLINE_SCRIPT"),
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
