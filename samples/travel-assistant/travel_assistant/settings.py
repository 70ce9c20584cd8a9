"""Runtime settings, read from environment variables so one build runs unchanged in every environment.

Environment variables (an empty one counts as unset):

``AGENT_MODEL_PROVIDER``
    The model provider, one of ``agent_scaffold_runtime.models.PROVIDERS``; default ``offline``.
``AGENT_MODEL_ID``
    The model id for that provider; default ``DEFAULT_MODEL_ID``, the model chosen for the project.
``AGENT_SYSTEM_PROMPT``
    The agent's system prompt; default the travel policy (the travel desk's ``data/policy.json``) in
    ``system_prompt_for``.
``AWS_REGION`` (or ``AWS_DEFAULT_REGION``)
    The AWS region, used by the Bedrock provider; default ``us-east-1``.

The travel desk (added to the generated settings):

``TRAVEL_BOOKINGS_DIR``
    Where bookings are kept, one JSON file per traveller; default ``.scaffold/bookings`` (``/tmp/bookings``
    on Lambda, whose code directory is read-only).
``TRAVEL_TODAY``
    The date the assistant takes as today (``YYYY-MM-DD``); default the real date. For demos and tests.
``TRAVEL_TOOLS_URL``
    A remote MCP server with the travel tools (``samples/mcp-server``); when set, the agent uses its tools
    instead of the local ones, with a bearer token for the caller from AgentCore Identity
    (``AGENT_OUTBOUND_*``, see ``agent_scaffold_runtime/auth/outbound.py``).
``TRAVEL_OFFLINE_SCRIPT``
    A JSON file of scripted offline-model turns per prompt (``scripts/offline.json``); only read when the
    model provider is ``offline``. See the README ("Scripted offline runs").

Production wiring: ``AGENT_AUTH``, ``AGENT_MEMORY``, ``AGENT_GUARDRAILS``, ``AGENT_TELEMETRY``, the runaway
limits (``AGENT_MAX_CYCLES``, ``AGENT_REQUEST_TIMEOUT_SECONDS``, ...) and their details are read by the
runtime library (``agent_scaffold_runtime.auth``, ``.memory``, ``.guardrails``, ``.telemetry``,
``.run_limits``), with ``RUNTIME_DEFAULTS`` below (the template answers) as defaults.

The model's variables are read by ``agent_scaffold_runtime.models.model_settings``: when
``AGENT_MODEL_PROVIDER`` names another provider than the project's and ``AGENT_MODEL_ID`` is unset, that
provider's usual model is used (``DEFAULT_MODEL_IDS``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent_scaffold_runtime.env_values import text
from agent_scaffold_runtime.models import model_settings
from travel_desk import DEFAULT_BOOKINGS_DIR, bookings_dir_from_env, policy_text, today_from_env

DEFAULT_MODEL_PROVIDER = "offline"
DEFAULT_MODEL_ID = "offline"
DEFAULT_AWS_REGION = "us-east-1"

#: The production wiring chosen when the project was generated (auth, memory, guardrails, telemetry).
#: Adapters and the core read these as defaults; the AGENT_* environment variables override them at run
#: time (see docs in agent_scaffold_runtime: auth, memory, guardrails, telemetry). Literals only: entrypoints
#: import this module at cold start.
RUNTIME_DEFAULTS: dict[str, str] = {
    "auth": "jwt",
    "jwt_discovery_url": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE/.well-known/openid-configuration",
    "jwt_allowed_clients": "travel-assistant-web",
    "jwt_allowed_audiences": "",
    "jwt_allowed_scopes": "",
    "memory": "file",
    "guardrails": "none",
    "telemetry": "none",
    "service_name": "travel-assistant",
}


@dataclass(frozen=True)
class Settings:
    """Everything the agent core needs to know about its environment; immutable once read."""

    model_provider: str = DEFAULT_MODEL_PROVIDER
    model_id: str = DEFAULT_MODEL_ID
    system_prompt: str = ""  # empty: the prompt built from the travel policy (``system_prompt_for``)
    aws_region: str = DEFAULT_AWS_REGION
    bookings_dir: str = DEFAULT_BOOKINGS_DIR
    today: dt.date | None = None
    tools_url: str = ""
    offline_script: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``environ`` (default: ``os.environ``); see the module docstring."""
        env = os.environ if environ is None else environ
        return cls(
            **model_settings(
                env, provider=DEFAULT_MODEL_PROVIDER, model_id=DEFAULT_MODEL_ID, aws_region=DEFAULT_AWS_REGION
            ),
            system_prompt=text(env, "AGENT_SYSTEM_PROMPT") or system_prompt_for(policy_text()),
            bookings_dir=bookings_dir_from_env(env),
            today=today_from_env(env),
            tools_url=text(env, "TRAVEL_TOOLS_URL"),
            offline_script=text(env, "TRAVEL_OFFLINE_SCRIPT"),
        )

    def scripted_turns(self, prompt: str) -> list[dict[str, Any]] | None:
        """The offline model's turns for ``prompt`` from ``TRAVEL_OFFLINE_SCRIPT``, if the file has any.

        The file maps prompts to turns (``{"Book me a flight to NYC next Monday": [{"tool": ...}, ...]}``);
        prompts are matched ignoring case and spacing. Other prompts get the offline model's own rules.
        """
        if not self.offline_script or self.model_provider != "offline":
            return None
        # here, not at the top: entrypoints import this module at cold start, and the model is not cheap
        from agent_scaffold_runtime.offline_model import scripted_turns

        return scripted_turns(self.offline_script, prompt)


def system_prompt_for(policy: str) -> str:
    """The agent's instructions: the company's travel policy, and how to use the tools with it."""
    return (
        "You are the corporate travel assistant. You search and book flights, hotels and rental cars for the "
        "signed-in employee, and list their bookings. Search first (get_flights, get_hotels, get_cars), "
        "then book one option with book_travel. Offer only options within the policy below; book_travel "
        "refuses anything outside it, so explain the rule instead of retrying. Never ask who the user is: "
        "bookings are made for the signed-in employee.\n\n" + policy
    )
