"""Helpers around the core's stream: one async generator of text chunks ending with an ``AgentReply``."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol, TypeVar

from typing_extensions import TypedDict, Unpack  # typing's own from Python 3.11

from .identity import Principal
from .reply import AgentReply

AgentStream = AsyncIterator["str | AgentReply"]
T = TypeVar("T")


class RequestOptions(TypedDict, total=False):
    """The keyword options of one request, after ``user_id`` and ``prompt``, in every form of the core.

    ``session_id`` continues a conversation (a new one when left out); ``context`` is request metadata
    for tools; ``principal`` is the caller as the adapter verified it (left out by a direct call, the
    caller is the trusted local user ``user_id``); ``target`` names the compute target in traces. Kept in
    one place so a new option reaches every project with a runtime upgrade, not an edit of each
    ``agent.py``.
    """

    session_id: str | None
    context: dict[str, Any] | None
    principal: Principal | None
    target: str | None


class StreamAgent(Protocol):
    """The core's one implementation (``stream_agent`` in a generated ``agent.py``)."""

    def __call__(self, user_id: str, prompt: str, **options: Unpack[RequestOptions]) -> AgentStream: ...


class AgentSource(Protocol):
    """What adapters need from the core: ``AgentRef`` in projects, any object with these in tests."""

    @property
    def stream(self) -> StreamAgent: ...


async def collect_reply(stream: AgentStream) -> AgentReply:
    """Drain a stream and return its final reply; a stream that ends without one is a bug in the core."""
    reply: AgentReply | None = None
    async for item in stream:
        if isinstance(item, AgentReply):
            reply = item
    if reply is None:
        raise RuntimeError("The agent stream ended without a final AgentReply.")
    return reply


def run_to_reply(stream: AgentStream) -> AgentReply:
    """Synchronous form of ``collect_reply``, safe to call from inside a running event loop."""
    return run_sync(lambda: collect_reply(stream))


def run_sync(make_coro: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from sync code.

    Like Strands' own ``Agent.__call__``: when the calling thread already runs an event loop (a notebook,
    an async test), the coroutine gets a fresh loop on a worker thread instead of failing.
    """

    async def main() -> T:
        return await make_coro()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


@contextlib.asynccontextmanager
async def closing(stream: AsyncIterator[T]) -> AsyncIterator[AsyncIterator[T]]:
    """``contextlib.aclosing`` for anything typed as an async iterator (Strands' ``stream_async`` is).

    Closing the stream in the task that consumed it matters: Strands ends its trace spans in the
    generator's ``finally``, and a generator finalised later by the garbage collector runs that in
    another task, where the span context can no longer be detached.
    """
    try:
        yield stream
    finally:
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            await aclose()


async def produce_into(queue: asyncio.Queue[tuple[str, Any]], stream: AsyncIterator[Any]) -> None:
    """Run ``stream`` to its end in the calling task: ``("item", x)`` on ``queue`` for each item, then
    ``("end", None)``, or ``("error", exc)`` when it fails.

    The SSE and WebSocket replies read the queue from another task. One producer task owns the stream
    because Strands attaches tracing context inside its generator, and a generator resumed from another
    task cannot detach it; the stream is closed here too (``closing``), also when the task is cancelled
    because the client went away.
    """
    try:
        async with closing(stream):
            async for item in stream:
                await queue.put(("item", item))
        await queue.put(("end", None))
    except Exception as exc:
        await queue.put(("error", exc))
