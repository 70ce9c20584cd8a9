"""Tool calls as they happen, for protocols that show them (AG-UI), without widening the core's stream.

The core yields text and one ``AgentReply``; a UI also wants "the agent called calculator(6*7) and got
42". ``tool_auth.ToolAuthorizer``, a hook every generated agent registers, reports each call's start and
result here. A protocol adapter opts in per turn with ``collect()`` before it starts the turn (the producer
task inherits the context variable), and wraps the core with ``with_tool_events`` so the reports come out
of the stream in order, between the text chunks around them. Nobody collecting means nothing is recorded.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from ..streaming import AgentSource, AgentStream, StreamAgent, closing


@dataclass(frozen=True)
class ToolStarted:
    tool_use_id: str
    name: str
    arguments: str  # the input as JSON text


@dataclass(frozen=True)
class ToolFinished:
    tool_use_id: str
    name: str
    result: str
    status: str  # "success" or "error"


ToolActivity = ToolStarted | ToolFinished

_collector: contextvars.ContextVar[list[ToolActivity] | None] = contextvars.ContextVar(
    "agent_scaffold_tool_events", default=None
)


def collect() -> list[ToolActivity]:
    """Record this context's tool calls (and tasks started from it) into the returned list."""
    pending: list[ToolActivity] = []
    _collector.set(pending)
    return pending


def tool_started(tool_use: Any) -> None:
    pending = _collector.get()
    if pending is not None:
        arguments = json.dumps(tool_use.get("input") or {}, ensure_ascii=False, default=str)
        pending.append(
            ToolStarted(str(tool_use.get("toolUseId", "")), str(tool_use.get("name", "")), arguments)
        )


def tool_finished(tool_use: Any, result: Any) -> None:
    pending = _collector.get()
    if pending is not None:
        content = (result or {}).get("content") or []
        text = "".join(str(block.get("text", "")) for block in content if isinstance(block, dict))
        status = str((result or {}).get("status", "success"))
        pending.append(
            ToolFinished(str(tool_use.get("toolUseId", "")), str(tool_use.get("name", "")), text, status)
        )


class with_tool_events:
    """``agent`` whose stream also yields the ``ToolActivity`` collected while producing each item."""

    def __init__(self, agent: AgentSource) -> None:
        self.agent = agent

    def __getattr__(self, name: str) -> Any:  # is_loaded, preload_in_background, ...
        return getattr(self.agent, name)

    @property
    def stream(self) -> StreamAgent:
        inner: Callable[..., AgentStream] = self.agent.stream

        async def stream(user_id: str, prompt: str, **options: Any) -> AsyncIterator[Any]:
            pending = _collector.get()
            async with closing(inner(user_id, prompt, **options)) as items:
                async for item in items:
                    while pending:
                        yield pending.pop(0)
                    yield item
            while pending:
                yield pending.pop(0)

        return stream


def _id(tool_use: Any) -> str:
    return str(tool_use.get("toolUseId", ""))
