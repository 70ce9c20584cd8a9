"""Running one request against the core, shared by the async (Starlette-based) adapters."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

from .errors import AdapterError, from_agent_failure
from .protocol import InvocationRequest
from .reply import AgentReply
from .sse import event_for
from .streaming import AgentStream, CallAgent, StreamAgent, collect_reply

logger = logging.getLogger("runtime_adapters")


class AgentSource(Protocol):
    """What adapters need from the core: ``AgentRef`` in projects, any object with these in tests."""

    @property
    def stream(self) -> StreamAgent: ...

    @property
    def call(self) -> CallAgent: ...


async def resolve_stream(agent: AgentSource) -> StreamAgent:
    """Fetch ``agent.stream`` off the event loop when it still has to import the core (seconds, once)."""
    try:
        if getattr(agent, "is_loaded", True):
            return agent.stream
        return await asyncio.to_thread(lambda: agent.stream)
    except Exception as exc:
        logger.exception("Loading the agent failed")
        raise AdapterError(f"The agent could not be loaded ({type(exc).__name__}).") from exc


def open_stream(
    stream_agent: StreamAgent, request: InvocationRequest, *, user_id: str, session_id: str
) -> AgentStream:
    return stream_agent(user_id, request.prompt, session_id=session_id, context=dict(request.context))


async def run_to_completion(
    agent: AgentSource, request: InvocationRequest, *, user_id: str, session_id: str
) -> AgentReply:
    stream_agent = await resolve_stream(agent)
    try:
        return await collect_reply(open_stream(stream_agent, request, user_id=user_id, session_id=session_id))
    except AdapterError:
        raise
    except Exception as exc:
        logger.exception("Agent invocation failed")
        raise from_agent_failure(exc) from exc


async def start_streaming(
    agent: AgentSource, request: InvocationRequest, *, user_id: str, session_id: str
) -> AsyncIterator[Any]:
    """Wait for the first item before answering, so a failure before any text is an error status, not a 200.

    The whole agent stream runs in one producer task feeding a bounded queue: Strands attaches tracing
    context inside its generator, and a generator resumed from another task (the response's) cannot
    detach it. Returns an async iterator of SSE events (see ``sse.event_for``); a failure after the stream
    started is one ``{"error": …, "code": …}`` event, because the status line has already gone out.
    """
    stream_agent = await resolve_stream(agent)
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=64)

    async def produce() -> None:
        try:
            async for item in open_stream(stream_agent, request, user_id=user_id, session_id=session_id):
                await queue.put(("item", item))
            await queue.put(("end", None))
        except Exception as exc:
            await queue.put(("error", exc))

    producer = asyncio.create_task(produce())
    kind, value = await queue.get()
    if kind == "item":
        return _events(value, queue, producer)
    producer.cancel()
    if kind == "end":
        raise AdapterError("The agent stream ended without a reply.")
    if isinstance(value, AdapterError):
        raise value
    logger.error("Agent invocation failed before streaming", exc_info=value)
    raise from_agent_failure(value) from value


async def _events(
    first: str | AgentReply, queue: asyncio.Queue[tuple[str, Any]], producer: asyncio.Task[None]
) -> AsyncIterator[Any]:
    try:
        yield event_for(first)
        while True:
            kind, value = await queue.get()
            if kind == "end":
                return
            if kind == "error":
                logger.error("Agent failed while streaming", exc_info=value)
                yield from_agent_failure(value).body()
                return
            yield event_for(value)
    finally:
        # The client went away (or we finished): never leave the agent running for nobody.
        if not producer.done():
            producer.cancel()
