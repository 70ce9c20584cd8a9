"""The agent as an AG-UI endpoint: ``POST /invocations`` (SSE) and ``/ws`` on 8080, AgentCore's AGUI contract.

Built on bedrock-agentcore's ``AGUIApp`` (``RunAgentInput`` parsing, the ``ag-ui-protocol`` event encoder,
both transports, ``/ping``). The handler runs the project's core through the shared pipeline and turns
its stream into AG-UI events: ``RUN_STARTED``; ``TEXT_MESSAGE_START/CONTENT/END`` for the answer;
``TOOL_CALL_START/ARGS/END`` and ``TOOL_CALL_RESULT`` for each tool call (reported by ``tool_events``);
a ``STATE_SNAPSHOT`` of the session (id, usage, tool calls); then ``RUN_FINISHED``, or ``RUN_ERROR``.

The prompt is the last user message; the ``threadId`` is the session id (hashed to a valid id when it is
not one), so a thread continues a conversation, keyed by the verified caller as everywhere. Bearer auth is
the project's own (``http_auth.Authenticated``), in front of both transports.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

from starlette.middleware import Middleware

from ..asgi_limits import BodySizeLimit
from ..errors import AdapterError, InvalidRequest
from ..protocol import SESSION_ID_PATTERN, Limits
from ..service import AgentService
from ..streaming import AgentSource
from . import tool_events
from .core_call import accept_turn
from .http_auth import Authenticated, principal_of

_SESSION_ID_RE = re.compile(SESSION_ID_PATTERN)
_THREAD_NAMESPACE = uuid.UUID("6f1d7c2a-9b7e-4f7e-9d53-2f3f0b8a1c11")


def session_for_thread(thread_id: str) -> str:
    """A thread id that is a valid session id is used as it is; any other maps to a stable UUID."""
    if _SESSION_ID_RE.match(thread_id) and len(thread_id) >= 33:
        return thread_id
    return str(uuid.uuid5(_THREAD_NAMESPACE, thread_id))


def last_user_text(run_input: Any) -> str:
    for message in reversed(run_input.messages or []):
        if getattr(message, "role", None) == "user":
            content = message.content
            if isinstance(content, str):
                return content
            return "".join(getattr(part, "text", "") or "" for part in content or [])
    raise InvalidRequest("The run has no user message to answer.")


class EventBuilder:
    """Turns the core's items into AG-UI events, keeping the text message open/closed state right."""

    def __init__(self, thread_id: str, run_id: str) -> None:
        from ag_ui import core

        self.core = core
        self.thread_id = thread_id
        self.run_id = run_id
        self.message_id: str | None = None

    def start(self) -> list[Any]:
        return [self.core.RunStartedEvent(thread_id=self.thread_id, run_id=self.run_id)]

    def close_text(self) -> list[Any]:
        if self.message_id is None:
            return []
        event = self.core.TextMessageEndEvent(message_id=self.message_id)
        self.message_id = None
        return [event]

    def text(self, delta: str) -> list[Any]:
        if not delta:
            return []
        events: list[Any] = []
        if self.message_id is None:
            self.message_id = str(uuid.uuid4())
            events.append(self.core.TextMessageStartEvent(message_id=self.message_id, role="assistant"))
        events.append(self.core.TextMessageContentEvent(message_id=self.message_id, delta=delta))
        return events

    def tool(self, activity: tool_events.ToolActivity) -> list[Any]:
        core = self.core
        if isinstance(activity, tool_events.ToolStarted):
            return [
                *self.close_text(),
                core.ToolCallStartEvent(tool_call_id=activity.tool_use_id, tool_call_name=activity.name),
                core.ToolCallArgsEvent(tool_call_id=activity.tool_use_id, delta=activity.arguments),
                core.ToolCallEndEvent(tool_call_id=activity.tool_use_id),
            ]
        return [
            core.ToolCallResultEvent(
                message_id=str(uuid.uuid4()),
                tool_call_id=activity.tool_use_id,
                content=activity.result,
                role="tool",
            )
        ]

    def finish(self, reply: Mapping[str, Any]) -> list[Any]:
        snapshot = {
            "session_id": reply["session_id"],
            "usage": reply["usage"],
            "tool_calls": reply["metrics"]["tool_calls"],
        }
        return [
            *self.close_text(),
            self.core.StateSnapshotEvent(snapshot=snapshot),
            self.core.RunFinishedEvent(thread_id=self.thread_id, run_id=self.run_id, result=reply),
        ]

    def error(self, error: AdapterError) -> list[Any]:
        return [*self.close_text(), self.core.RunErrorEvent(message=error.message, code=error.code)]


def create_app(
    agent: AgentSource,
    *,
    defaults: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    target: str = "agentcore",
) -> Any:
    """The ASGI app: ``POST /invocations`` (AG-UI over SSE), ``/ws`` (the same events), ``GET /ping``."""
    from bedrock_agentcore.runtime.ag_ui import AGUIApp

    service = AgentService(
        tool_events.with_tool_events(agent), target=target, defaults=defaults, limits=limits
    )
    app = AGUIApp(
        lifespan=service.lifespan,
        middleware=[
            Middleware(BodySizeLimit, max_bytes=service.limits.max_body_bytes),
            Middleware(Authenticated, service=service),
        ],
    )

    @app.entrypoint
    async def run(run_input: Any, context: Any) -> AsyncIterator[Any]:
        events = EventBuilder(run_input.thread_id, run_input.run_id)
        for event in events.start():
            yield event
        request = context.request
        try:
            call = accept_turn(
                service,
                principal_of(request),
                last_user_text(run_input),
                session_id=session_for_thread(run_input.thread_id),
                headers=getattr(request, "headers", None),
            )
            tool_events.collect()  # before the turn's task starts, so it inherits the collector
            stream = await service.events(call)
        except AdapterError as error:
            for event in events.error(error):
                yield event
            return
        async with contextlib.aclosing(stream):  # type: ignore[type-var]
            async for item in stream:
                if isinstance(item, str):
                    batch = events.text(item)
                elif isinstance(item, (tool_events.ToolStarted, tool_events.ToolFinished)):
                    batch = events.tool(item)
                elif "error" in item:
                    batch = events.error(AdapterError(item["error"], code=item.get("code", "agent_error")))
                else:
                    batch = events.finish(item["reply"])
                for event in batch:
                    yield event

    return app
