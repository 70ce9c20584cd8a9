"""The agent as an A2A server: agent card, ``message/send`` and ``message/stream`` at ``/`` (AgentCore: 9000).

Built on the ``a2a-sdk`` (the version ``strands-agents[a2a]`` brings) through bedrock-agentcore's
``build_a2a_app``, which adds AgentCore's header handling and ``/ping``. The executor runs the project's core
through the shared pipeline (identity, guardrails, limits, traces, request log) instead of a second agent, so
an A2A client gets exactly the ``/invocations`` answer. The A2A ``contextId`` is the session id, so a
conversation continues across messages (keyed by the verified caller, as everywhere).

Streaming follows Strands' A2A-compliant form: one ``agent_response`` artifact whose text parts arrive as
``append`` chunks, a final ``last_chunk``, then the task completes; ``message/send`` returns that task.
The agent card (``/.well-known/agent-card.json``) is public, as discovery documents are; every JSON-RPC
call needs the project's bearer auth (``http_auth.Authenticated``).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import AdapterError
from ..protocol import Limits
from ..service import AgentService
from ..streaming import AgentSource
from .core_call import accept_turn
from .http_auth import OPEN_PATHS, guarded, principal_of

CARD_PATHS = frozenset({"/.well-known/agent-card.json", "/.well-known/agent.json"})


def agent_card(name: str, description: str, tools: Sequence[Any], url: str, version: str = "0.1.0") -> Any:
    """The card: the project's name and description, one skill for the agent and one per open tool.

    The card is public, so tools that need a scope or group (``tool_auth.requires``) are left off it.
    """
    from a2a.types import AgentCapabilities, AgentCard, AgentSkill

    from ..tool_auth import requirements_of

    skills = [AgentSkill(id="ask", name=name, description=description, tags=["agent"])]
    for tool in tools:
        if requirements_of(tool) is not None:
            continue
        spec = getattr(tool, "tool_spec", None) or {}
        tool_name = str(getattr(tool, "tool_name", None) or spec.get("name") or "")
        if tool_name:
            text = str(spec.get("description") or tool_name).strip().splitlines()[0]
            skills.append(AgentSkill(id=tool_name, name=tool_name, description=text, tags=["tool"]))
    return AgentCard(
        name=name,
        description=description,
        url=url,
        version=version,
        capabilities=AgentCapabilities(streaming=True),
        skills=skills,
        default_input_modes=["text"],
        default_output_modes=["text"],
    )


def create_app(
    agent: AgentSource,
    *,
    name: str = "agent",
    description: str = "An AI agent.",
    tools: Sequence[Any] = (),
    defaults: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    target: str = "agentcore",
    public_url: str | None = None,
) -> Any:
    """The ASGI app: the agent card, JSON-RPC at ``/``, ``GET /ping``.

    ``public_url`` is the URL the card advertises; ``AGENTCORE_RUNTIME_URL`` (set on AgentCore) wins.
    """
    from a2a.server.agent_execution import AgentExecutor, RequestContext
    from a2a.server.events import EventQueue
    from a2a.server.tasks import TaskUpdater
    from a2a.types import Part, TextPart
    from a2a.utils import new_task
    from bedrock_agentcore.runtime.a2a import BedrockCallContextBuilder, build_a2a_app

    service = AgentService(agent, target=target, defaults=defaults, limits=limits)
    url = os.environ.get("AGENTCORE_RUNTIME_URL") or public_url or "http://localhost:9000/"

    class CallerContextBuilder(BedrockCallContextBuilder):
        """AgentCore's context (headers, request id) plus the caller ``Authenticated`` verified."""

        def build(self, request: Any) -> Any:
            context = super().build(request)
            context.state["principal"] = principal_of(request)
            return context

    class CoreExecutor(AgentExecutor):
        async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
            task = context.current_task
            if task is None:
                task = new_task(context.message)  # type: ignore[arg-type]
                await event_queue.enqueue_event(task)
            updater = TaskUpdater(event_queue, task.id, task.context_id)
            state = context.call_context.state if context.call_context else {}

            def text(value: str) -> list[Part]:
                return [Part(root=TextPart(text=value))]

            try:
                call = accept_turn(
                    service,
                    state["principal"],
                    context.get_user_input(),
                    session_id=task.context_id,
                    headers=state.get("headers"),
                )
                events = await service.events(call)
            except AdapterError as error:
                await updater.failed(
                    message=updater.new_agent_message(text(f"{error.code}: {error.message}"))
                )
                return
            artifact = str(uuid.uuid4())
            first = True
            async with contextlib.aclosing(events):  # type: ignore[type-var]
                async for event in events:
                    if isinstance(event, str):
                        if event:
                            await updater.add_artifact(
                                text(event), artifact_id=artifact, name="agent_response", append=not first
                            )
                            first = False
                    elif "error" in event:
                        message = f"{event.get('code', 'agent_error')}: {event['error']}"
                        await updater.failed(message=updater.new_agent_message(text(message)))
                        return
            await updater.add_artifact(
                text(""), artifact_id=artifact, name="agent_response", append=not first, last_chunk=True
            )
            await updater.complete()

        async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
            task = context.current_task
            if task is not None:
                await TaskUpdater(event_queue, task.id, task.context_id).cancel()

    card = agent_card(name, description, tools, url)
    app = build_a2a_app(CoreExecutor(), card, context_builder=CallerContextBuilder())
    return guarded(app, service, open_paths=OPEN_PATHS | CARD_PATHS)
