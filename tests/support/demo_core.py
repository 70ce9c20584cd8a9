"""A core shaped exactly like a generated project's ``agent.py``, plus switches that make it fail on purpose.

Prompts that start with ``fail-before`` raise before any text; ``fail-after`` raises after the first chunk;
``slow`` streams with pauses so tests can see chunks arrive one by one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.offline_model import OfflineModel
from agent_scaffold_runtime.reply import AgentReply, new_session_id
from agent_scaffold_runtime.streaming import run_to_reply
from strands import Agent, tool


@tool
def calculator(expression: str) -> str:
    """Add or multiply two integers written like 6*7 or 2+3."""
    for op in "*+":
        if op in expression:
            left, right = (int(part) for part in expression.split(op, 1))
            return str(left * right if op == "*" else left + right)
    return expression


class AgentFailure(RuntimeError):
    pass


async def stream_agent(
    user_id: str,
    prompt: str,
    *,
    session_id: str | None = None,
    context: dict[str, Any] | None = None,
    principal: Principal | None = None,
    target: str | None = None,
) -> AsyncIterator[str | AgentReply]:
    session_id = session_id or new_session_id()
    if prompt.startswith("fail-before"):
        raise AgentFailure("failed before streaming")
    if prompt.startswith("whoami"):
        yield AgentReply(
            text=f"user={user_id} context={sorted((context or {}).items())} target={target}",
            stop_reason="end_turn",
            session_id=session_id,
        )
        return
    agent = Agent(model=OfflineModel(), tools=[calculator], callback_handler=None)
    sent = 0
    async for event in agent.stream_async(prompt, invocation_state={"user_id": user_id}):
        if "data" in event:
            if prompt.startswith("fail-after") and sent:
                raise AgentFailure("failed while streaming")
            if prompt.startswith("slow"):
                await asyncio.sleep(0.2)
            sent += 1
            yield event["data"]
        elif "result" in event:
            yield AgentReply.from_result(event["result"], session_id=session_id)


def call_agent(user_id: str, prompt: str, **options: Any) -> AgentReply:
    return run_to_reply(stream_agent(user_id, prompt, **options))
