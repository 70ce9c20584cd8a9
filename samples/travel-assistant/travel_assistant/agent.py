"""The agent: model, tools, prompt and limits. Every target runs this module and nothing else.

AgentCore, Lambda, FastAPI and the command line each have a few-line entrypoint under ``entrypoints/`` that
hands this module to a runtime adapter. The request flow (session locking, guardrails, running the agent
off the event loop, turning its events into a reply, closing a remote tools connection afterwards) is the
runtime's ``AgentCore``; what the agent is belongs here, in ``build_agent``.

``stream_agent`` and ``call_agent`` are the portable API: the same agent and the same answer, streamed
(text chunks, then one ``AgentReply``) or whole.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from agent_scaffold_runtime.core import AgentCore, RequestOptions
from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.reply import AgentReply
from agent_scaffold_runtime.tool_auth import allowed_tools
from strands import Agent
from typing_extensions import Unpack  # typing's own from Python 3.11

from .remote_tools import remote_travel_tools
from .settings import RUNTIME_DEFAULTS, Settings
from .tools import TOOLS, TRAVEL_TOOLS

__all__ = ["AgentReply", "build_agent", "call_agent", "stream_agent"]


def build_agent(
    settings: Settings, *, principal: Principal, session_id: str, target: str = "local", prompt: str = ""
) -> Agent:
    """Build the Strands agent for one request: change the model, tools or prompt here.

    Travel sample: the tools are the local travel desk, or the remote MCP server's when ``TRAVEL_TOOLS_URL``
    is set (``remote_tools.py``; the core calls ``agent.cleanup()`` after the request, which closes that
    connection); ``prompt`` picks scripted offline-model turns (``TRAVEL_OFFLINE_SCRIPT``).
    """
    tools: list[Any] = list(TOOLS)
    if settings.tools_url:
        local = [tool for tool in TOOLS if tool not in TRAVEL_TOOLS]
        tools = [*local, remote_travel_tools(settings, principal)]
    script = {"script": settings.scripted_turns(prompt)} if settings.model_provider == "offline" else {}
    return Agent(
        model=core.model(settings, **script),
        tools=allowed_tools(tools, principal),
        system_prompt=settings.system_prompt,
        **core.wiring(principal, session_id, target),
    )


core = AgentCore(build_agent, Settings.from_env, RUNTIME_DEFAULTS, watch=("TRAVEL_",))


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
