"""One turn at a time per (user, session) inside a process, whichever thread or event loop runs it.

Strands session managers read the whole history when an ``Agent`` is built and then append at the index
after it; two overlapping turns on one session would both append at the same index, and the file and S3
repositories would keep only one of them. ``session_lock`` makes a turn (build the agent, run it, persist
it) exclusive per session.

The adapters run the core on different loops and threads (FastAPI's loop, the AgentCore SDK's worker loop,
a fresh ``asyncio.run`` per Lambda request, ``run_sync``'s worker thread), so an ``asyncio.Lock`` (bound to
one loop) is not enough. ``_SessionLock`` is a FIFO lock whose waiters are futures on their *own* loops: a
release hands ownership to the oldest waiter with ``call_soon_threadsafe``. No thread is parked per waiter,
so many requests queued on one busy session cannot exhaust the default executor that Strands itself uses
(for sync tools), which a ``to_thread(lock.acquire)`` design could deadlock on.

Locks live in a ``WeakValueDictionary``: an entry exists only while a turn holds or awaits it, so the
registry stays as small as the number of sessions in flight.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ..identity import Principal
from .keys import session_key


class _Waiter:
    __slots__ = ("future", "granted", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.future: asyncio.Future[None] = loop.create_future()
        self.granted = False


class _SessionLock:
    """A fair lock usable from any event loop in any thread; see the module docstring."""

    __slots__ = ("__weakref__", "_locked", "_mutex", "_waiters")

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._locked = False
        self._waiters: deque[_Waiter] = deque()

    @property
    def locked(self) -> bool:
        return self._locked

    async def acquire(self) -> None:
        with self._mutex:
            if not self._locked:
                self._locked = True
                return
            waiter = _Waiter(asyncio.get_running_loop())
            self._waiters.append(waiter)
        try:
            await waiter.future
        except BaseException:
            # Cancelled while waiting. If ownership was already handed over, pass it on; otherwise leave
            # the queue, so a release never hands the lock to a task that is gone.
            with self._mutex:
                owned = waiter.granted
                if not owned:
                    self._waiters.remove(waiter)
            if owned:
                self.release()
            raise

    def release(self) -> None:
        with self._mutex:
            while self._waiters:
                waiter = self._waiters.popleft()
                try:
                    waiter.loop.call_soon_threadsafe(_wake, waiter.future)
                except RuntimeError:  # that waiter's loop is closed: its task can never run again
                    continue
                waiter.granted = True  # still locked: ownership moves to the waiter
                return
            self._locked = False


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


_registry: weakref.WeakValueDictionary[tuple[str, str], _SessionLock] = weakref.WeakValueDictionary()
_registry_mutex = threading.Lock()


def _lock_for(key: tuple[str, str]) -> _SessionLock:
    with _registry_mutex:
        lock = _registry.get(key)
        if lock is None:
            lock = _registry[key] = _SessionLock()
        return lock


@asynccontextmanager
async def session_lock(principal: Principal, session_id: str) -> AsyncIterator[None]:
    """Hold the turn lock of ``principal``'s session ``session_id`` for the body of an ``async with``.

    Build the ``Agent`` inside the block (building it reads the history) and keep streaming inside it.
    In an async generator the block ends when the generator finishes or is closed, which the adapters do
    when a client goes away.
    """
    lock = _lock_for(session_key(principal, session_id))
    await lock.acquire()
    try:
        yield
    finally:
        lock.release()
