"""The agent: model, tools, prompt and limits. Every target runs this module and nothing else.

AgentCore, Lambda, FastAPI and the command line each have a few-line entrypoint under ``entrypoints/`` that
hands this module to a runtime adapter. The request flow (session locking, guardrails, running the agent
off the event loop, turning its events into a reply) is the runtime's ``AgentCore``; what the agent is
belongs here, in ``build_agent``. The target reaches the specialists through the invocation state.

``stream_agent`` and ``call_agent`` are the portable API: the same agent and the same answer, streamed
(text chunks, then one ``AgentReply``) or whole.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from agent_scaffold_runtime.core import AgentCore, RequestOptions
from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.reply import AgentReply
from agent_scaffold_runtime.tool_auth import allowed_tools
from strands import Agent
from typing_extensions import Unpack  # typing's own from Python 3.11

from .settings import ORCHESTRATOR, RUNTIME_DEFAULTS, Settings
from .specialists import SPECIALISTS, DelegationLimit, agent_attributes
from .tools import TOOLS

__all__ = ["AgentReply", "build_agent", "call_agent", "stream_agent"]


def build_agent(
    settings: Settings, *, principal: Principal, session_id: str, target: str = "local", prompt: str = ""
) -> Agent:
    """Build the Strands agent for one request: change the model, tools or prompt here.

    Orchestrator sample: the agent is named ``orchestrator`` and its tools include the two specialists
    (``specialists.py``, agents as tools); ``DelegationLimit`` bounds how often it may delegate, and
    ``prompt`` picks scripted offline-model turns (``ORCHESTRATOR_OFFLINE_SCRIPT``).
    """
    script = (
        {"script": settings.scripted_turns(ORCHESTRATOR, prompt)}
        if settings.model_provider == "offline"
        else {}
    )
    wiring = core.wiring(principal, session_id, target, hooks=[DelegationLimit(settings.max_delegations)])
    hash_user_id = core.config().telemetry.hash_user_id
    wiring["trace_attributes"] = agent_attributes(ORCHESTRATOR, principal, session_id, target, hash_user_id)
    return Agent(
        name=ORCHESTRATOR,
        model=core.model(settings, **script),
        tools=allowed_tools([*SPECIALISTS, *TOOLS], principal),
        system_prompt=settings.system_prompt,
        **wiring,
    )


core = AgentCore(build_agent, Settings.from_env, RUNTIME_DEFAULTS, watch=("ORCHESTRATOR_",))


def stream_agent(
    user_id: str, prompt: str, **options: Unpack[RequestOptions]
) -> AsyncGenerator[str | AgentReply, None]:
    """Answer ``prompt``: yield the reply's text chunks as they arrive, then one final ``AgentReply``.

    ``options``: ``session_id`` (a new session when left out), ``context`` (request metadata for tools),
    ``principal`` (the caller as the adapter verified it; a direct call is the trusted local user
    ``user_id``) and ``target`` (the compute target, for traces).
    """
    return core.stream(user_id, prompt, **options)


def call_agent(user_id: str, prompt: str, **options: Unpack[RequestOptions]) -> AgentReply:
    """Synchronous form of ``stream_agent``: same agent, same answer; safe inside a running event loop."""
    return core.call(user_id, prompt, **options)
