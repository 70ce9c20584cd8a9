"""Shared test pieces: a model that records what it was asked, and the shape of the core's stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from agent_scaffold_runtime.offline_model import OfflineModel
from agent_scaffold_runtime.reply import AgentReply
from strands import Agent


class RecordingModel(OfflineModel):
    """The offline model, counting its calls and keeping the tool names it was offered on each call."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.calls = 0
        self.offered: list[list[str]] = []

    async def stream(
        self, messages: Any, tool_specs: Any = None, system_prompt: Any = None, **kwargs: Any
    ) -> Any:
        self.calls += 1
        self.offered.append([spec["name"] for spec in tool_specs or []])
        async for event in super().stream(messages, tool_specs, system_prompt, **kwargs):
            yield event


async def core_stream(
    agent: Agent, prompt: str, *, session_id: str = "s-1"
) -> AsyncIterator[str | AgentReply]:
    """What a generated project's ``stream_agent`` yields: text chunks, then one ``AgentReply``."""
    async for event in agent.stream_async(prompt):
        if "data" in event:
            yield event["data"]
        elif "result" in event:
            yield AgentReply.from_result(event["result"], session_id=session_id)


async def drain(stream: AsyncIterator[str | AgentReply]) -> tuple[list[str], AgentReply]:
    chunks: list[str] = []
    reply: AgentReply | None = None
    async for item in stream:
        if isinstance(item, AgentReply):
            reply = item
        else:
            chunks.append(item)
    assert reply is not None, "the stream ended without a reply"
    return chunks, reply
