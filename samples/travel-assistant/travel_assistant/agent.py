"""The agent core: the one place for agent logic. Every target runs this module and nothing else.

AgentCore, Lambda, FastAPI and the command line each have a few-line entrypoint under ``entrypoints/`` that
hands this module to a runtime adapter. The adapters own the transport (HTTP, events, SSE, argv) and the
caller's verified identity; this module owns the agent: model, tools, system prompt, memory, guardrails and
limits. Keeping it free of cloud and web SDKs (no boto3, bedrock_agentcore, fastapi or Lambda code here) is
what lets the same code run, and be tested, anywhere.

``stream_agent`` is the single implementation; ``call_agent`` drains it, so a streaming and a non-streaming
caller always get the same agent and the same answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

from agent_scaffold_runtime.guardrails import (
    GuardrailConfig,
    bedrock_model_guardrail_options,
    build_guardrail,
    guard_stream,
)
from agent_scaffold_runtime.identity import Principal, local_principal
from agent_scaffold_runtime.memory import MemoryConfig, session_lock, session_manager_for
from agent_scaffold_runtime.models import build_model
from agent_scaffold_runtime.reply import AgentReply, new_session_id
from agent_scaffold_runtime.run_limits import RunLimits
from agent_scaffold_runtime.streaming import closing, run_to_reply
from agent_scaffold_runtime.telemetry import TelemetryConfig, trace_attributes
from agent_scaffold_runtime.tool_auth import ToolAuthorizer, allowed_tools
from strands import Agent

from .remote_tools import remote_travel_tools
from .settings import RUNTIME_DEFAULTS, Settings
from .tools import TOOLS, TRAVEL_TOOLS

__all__ = ["AgentReply", "build_agent", "call_agent", "stream_agent"]


async def stream_agent(
    user_id: str,
    prompt: str,
    *,
    session_id: str | None = None,
    context: dict[str, Any] | None = None,
    principal: Principal | None = None,
    target: str | None = None,
) -> AsyncGenerator[str | AgentReply, None]:
    """Answer ``prompt``: yield the reply's text chunks as they arrive, then one final ``AgentReply``.

    ``principal`` is the caller as the adapter verified it (a bearer token, IAM); when it is left out, as
    in a direct call, the caller is the trusted local user ``user_id``. The principal keys the session, so a
    client naming another user's session id gets a session of its own, and it reaches tools through
    Strands' ``invocation_state["principal"]`` (never through the prompt). ``context`` is request metadata
    from the client; ``target`` names the compute target in traces.

    Settings are read per request, so environment changes apply without a restart, and a fresh ``Agent`` is
    built per request from the session's stored history, so nothing leaks between callers.
    """
    settings = Settings.from_env()
    principal = principal or local_principal(user_id)
    session_id = session_id or new_session_id()
    guardrail = build_guardrail(GuardrailConfig.from_env(defaults=RUNTIME_DEFAULTS), settings.model_provider)
    # One turn at a time per session, so concurrent requests never lose each other's turns.
    async with session_lock(principal, session_id):
        # Building the agent reads the session's history (files, S3 or AgentCore Memory): off the event loop.
        agent = await asyncio.to_thread(
            build_agent,
            settings,
            principal=principal,
            session_id=session_id,
            target=target or "local",
            prompt=prompt,
        )
        state = {
            "principal": principal,
            "user_id": principal.user_id,
            "session_id": session_id,
            "context": dict(context or {}),
        }

        def run(text: str) -> AsyncGenerator[str | AgentReply, None]:
            return _run(agent, text, state, session_id)

        # The guardrail checks the prompt before the agent starts and masks text before it leaves.
        try:
            async with closing(guard_stream(guardrail, prompt, run, session_id=session_id)) as stream:
                async for item in stream:
                    yield item
        finally:
            # Closes the remote tools' MCP connection (TRAVEL_TOOLS_URL); nothing to do for local tools.
            await asyncio.to_thread(agent.cleanup)


def call_agent(
    user_id: str,
    prompt: str,
    *,
    session_id: str | None = None,
    context: dict[str, Any] | None = None,
    principal: Principal | None = None,
    target: str | None = None,
) -> AgentReply:
    """Synchronous form of stream_agent: same agent, same answer.

    Safe to call from code that already runs an event loop (a notebook, an async test).
    """
    stream = stream_agent(
        user_id, prompt, session_id=session_id, context=context, principal=principal, target=target
    )
    return run_to_reply(stream)


def build_agent(
    settings: Settings, *, principal: Principal, session_id: str, target: str = "local", prompt: str = ""
) -> Agent:
    """Build the Strands agent for one request: change the model, tools or prompt here.

    Tools the caller may not use (the runtime's ``tool_auth.requires``) are not offered to the model, and
    ``ToolAuthorizer`` refuses a forced call. ``callback_handler=None`` because the adapters consume the event
    stream themselves (the default handler would print every chunk to stdout).

    Travel sample: the tools are the local travel desk, or the remote MCP server's when ``TRAVEL_TOOLS_URL``
    is set (``remote_tools.py``); ``prompt`` picks scripted offline-model turns (``TRAVEL_OFFLINE_SCRIPT``).
    The caller of ``build_agent`` calls ``agent.cleanup()`` when done, which closes a remote connection.
    """
    limits = RunLimits.from_env()
    telemetry = TelemetryConfig.from_env(defaults=RUNTIME_DEFAULTS)
    memory = MemoryConfig.from_env(defaults=RUNTIME_DEFAULTS)
    tools: list[Any] = list(TOOLS)
    if settings.tools_url:
        local = [tool for tool in TOOLS if tool not in TRAVEL_TOOLS]
        tools = [*local, remote_travel_tools(settings, principal)]
    options = _model_options(settings, limits, prompt)
    return Agent(
        model=build_model(settings.model_provider, settings.model_id, **options),
        tools=allowed_tools(tools, principal),
        system_prompt=settings.system_prompt,
        session_manager=session_manager_for(memory, principal, session_id),
        hooks=[ToolAuthorizer(principal), *limits.hooks()],
        retry_strategy=limits.retry_strategy(),
        trace_attributes=trace_attributes(principal, session_id, target, hash_user_id=telemetry.hash_user_id),
        callback_handler=None,
    )


async def _run(
    agent: Agent, prompt: str, state: dict[str, Any], session_id: str
) -> AsyncGenerator[str | AgentReply, None]:
    """The agent's events as the core's stream: text chunks, then the reply."""
    async with closing(agent.stream_async(prompt, invocation_state=state)) as events:
        async for event in events:
            if "data" in event:
                yield event["data"]
            elif "result" in event:
                yield AgentReply.from_result(event["result"], session_id=session_id)


def _model_options(settings: Settings, limits: RunLimits, prompt: str) -> dict[str, Any]:
    if settings.model_provider == "offline":
        return {"script": settings.scripted_turns(prompt)}
    if settings.model_provider != "bedrock":
        return {}
    guardrail = bedrock_model_guardrail_options(GuardrailConfig.from_env(defaults=RUNTIME_DEFAULTS))
    return {"region": settings.aws_region, "boto_client_config": limits.bedrock_client_config(), **guardrail}
