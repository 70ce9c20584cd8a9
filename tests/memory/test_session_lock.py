"""``session_lock`` on its own: scope, fairness, hand-over across loops, cancellation, bounded registry."""

from __future__ import annotations

import asyncio
import gc
import threading
from contextlib import AbstractAsyncContextManager

import pytest
from agent_scaffold_runtime.memory import InvalidSessionId, locks, session_lock

from .support import ALICE, BOB


def test_only_the_same_user_and_session_wait() -> None:
    async def main() -> None:
        async with session_lock(ALICE, "s1"):
            # each would hang if it waited for the lock held above
            await asyncio.wait_for(_enter(session_lock(ALICE, "s2")), 1)
            await asyncio.wait_for(_enter(session_lock(BOB, "s1")), 1)
            waiting = asyncio.create_task(_enter(session_lock(ALICE, "s1")))
            await asyncio.sleep(0.05)
            assert not waiting.done()
        await asyncio.wait_for(waiting, 1)

    asyncio.run(main())


async def _enter(lock: AbstractAsyncContextManager[None]) -> None:
    async with lock:
        pass


def test_waiters_are_served_in_arrival_order() -> None:
    order: list[int] = []

    async def take(index: int) -> None:
        async with session_lock(ALICE, "s1"):
            order.append(index)
            await asyncio.sleep(0)

    async def main() -> None:
        async with session_lock(ALICE, "s1"):
            tasks = []
            for index in range(5):
                tasks.append(asyncio.create_task(take(index)))
                await asyncio.sleep(0)  # let it queue before the next one
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert order == [0, 1, 2, 3, 4]


def test_ownership_moves_to_a_waiter_on_another_thread_and_loop() -> None:
    held, released = threading.Event(), threading.Event()
    events: list[str] = []

    async def holder() -> None:
        async with session_lock(ALICE, "s1"):
            held.set()
            await asyncio.sleep(0.1)
            events.append("holder done")
            released.set()

    thread = threading.Thread(target=lambda: asyncio.run(holder()))
    thread.start()
    assert held.wait(5)

    async def waiter() -> None:
        async with session_lock(ALICE, "s1"):
            events.append("waiter in")

    asyncio.run(asyncio.wait_for(waiter(), 5))
    thread.join(5)
    assert events == ["holder done", "waiter in"]


def test_a_cancelled_waiter_leaves_the_queue() -> None:
    async def main() -> None:
        async with session_lock(ALICE, "s1"):
            waiting = asyncio.create_task(_enter(session_lock(ALICE, "s1")))
            await asyncio.sleep(0)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
        await asyncio.wait_for(_enter(session_lock(ALICE, "s1")), 1)

    asyncio.run(main())


def test_a_waiter_cancelled_after_being_handed_the_lock_passes_it_on() -> None:
    async def main() -> None:
        outer = session_lock(ALICE, "s1")
        await outer.__aenter__()
        first = asyncio.create_task(_enter(session_lock(ALICE, "s1")))
        second = asyncio.create_task(_enter(session_lock(ALICE, "s1")))
        await asyncio.sleep(0)
        await outer.__aexit__(None, None, None)  # hands ownership to `first`...
        first.cancel()  # ...which is cancelled before it could run
        with pytest.raises(asyncio.CancelledError):
            await first
        await asyncio.wait_for(second, 1)  # `first` passed the lock on instead of keeping it
        await asyncio.wait_for(_enter(session_lock(ALICE, "s1")), 1)

    asyncio.run(main())


def test_a_waiter_whose_loop_is_closed_is_skipped() -> None:
    lock = locks._SessionLock()
    dead_loop = asyncio.new_event_loop()
    lock._locked = True
    lock._waiters.append(locks._Waiter(dead_loop))
    dead_loop.close()
    lock.release()
    assert not lock.locked and not lock._waiters


def test_the_registry_holds_only_locks_in_use() -> None:
    async def main() -> None:
        for index in range(100):
            async with session_lock(ALICE, f"s{index}"):
                assert locks._registry.get((ALICE.namespace, f"s{index}")) is not None

    asyncio.run(main())
    gc.collect()
    assert not [key for key in locks._registry if key[0] == ALICE.namespace]


def test_unsafe_session_ids_are_refused() -> None:
    async def main() -> None:
        async with session_lock(ALICE, "../x"):
            pass

    with pytest.raises(InvalidSessionId):
        asyncio.run(main())
