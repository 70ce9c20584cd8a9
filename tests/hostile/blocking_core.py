"""A core that holds a ``block`` prompt until the test releases it, so "a request is in flight" is a fact
the test controls (and sees, through ``entered``), not a guess about timing. Other prompts go to the demo
core."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

from agent_scaffold_runtime.reply import AgentReply, new_session_id

from tests.support import demo_core

entered = threading.Event()
release = threading.Event()


async def stream_agent(
    user_id: str, prompt: str, *, session_id: str | None = None, **kwargs: Any
) -> AsyncIterator[str | AgentReply]:
    if not prompt.startswith("block"):
        async for item in demo_core.stream_agent(user_id, prompt, session_id=session_id, **kwargs):
            yield item
        return
    entered.set()
    yield "holding "  # a first chunk, so a streamed response has started while the core is held
    await asyncio.to_thread(release.wait, 60)
    yield AgentReply(text="released", stop_reason="end_turn", session_id=session_id or new_session_id())


def reset() -> None:
    entered.clear()
    release.clear()
