"""A core shaped like a generated ``agent.py`` passing ``trace_attributes``: what the runtime will wire."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any, cast

from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.offline_model import OfflineModel
from agent_scaffold_runtime.reply import AgentReply
from agent_scaffold_runtime.telemetry import trace_attributes
from strands import Agent

from tests.support.demo_core import calculator

AGENT_NAME = "telemetry-demo"


async def stream_agent(
    principal: Principal, prompt: str, *, session_id: str, target: str = "fastapi", hash_user_id: bool = True
) -> AsyncIterator[str | AgentReply]:
    agent = Agent(
        model=OfflineModel(),
        tools=[calculator],
        callback_handler=None,
        name=AGENT_NAME,
        trace_attributes=trace_attributes(principal, session_id, target, hash_user_id=hash_user_id),
    )
    # aclosing: if this generator is closed early (client gone), Strands' generator is closed right here, in
    # the same task, so its spans end and its contexts detach instead of waiting for garbage collection.
    stream = agent.stream_async(prompt, invocation_state={"principal": principal})
    async with aclosing(cast(AsyncGenerator[Any, None], stream)) as events:
        async for event in events:
            if "data" in event:
                yield event["data"]
            elif "result" in event:
                yield AgentReply.from_result(event["result"], session_id=session_id)
