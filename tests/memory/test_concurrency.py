"""Concurrent turns on one session: none is lost with ``session_lock``; without it, turns are lost.

The lock test runs 8 turns from 4 threads, each thread with its own event loop running 2 turns at once
(as FastAPI's loop, the AgentCore SDK's worker loop and Lambda's per-request ``asyncio.run`` would), and
each turn pauses between building its agent (reading the history) and running it, the window in which an
unserialised turn would read a stale history. With the lock the outcome is exact.

The lock-free tests make the race deterministic instead of hoping for it: a barrier lets every turn read
the history before any turn writes, which is precisely what the lock prevents.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from agent_scaffold_runtime.memory import MemoryConfig, SessionConflictError, session_lock
from agent_scaffold_runtime.memory.file import CreateOnlyFileSessionManager
from agent_scaffold_runtime.offline_model import OfflineModel
from strands import Agent
from strands.session.file_session_manager import FileSessionManager

from .support import ALICE, new_agent, texts, turn

THREADS, TURNS_PER_LOOP = 4, 2


def file_config(tmp_path: Path) -> MemoryConfig:
    return MemoryConfig(backend="file", session_dir=tmp_path / "sessions")


@pytest.fixture(params=["file", "s3"])
def config(request: pytest.FixtureRequest, tmp_path: Path) -> MemoryConfig:
    if request.param == "file":
        return file_config(tmp_path)
    endpoint: str = request.getfixturevalue("moto_endpoint")
    bucket = f"sessions-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    return MemoryConfig(backend="s3", bucket=bucket, region="us-east-1", endpoint_url=endpoint)


def run_in_threads(count: int, target: Callable[[int], None]) -> None:
    errors: list[BaseException] = []

    def guarded(index: int) -> None:
        try:
            target(index)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a turn is stuck"
    if errors:
        raise errors[0]


def test_eight_concurrent_turns_across_threads_and_loops_lose_nothing(config: MemoryConfig) -> None:
    async def locked_turn(prompt: str) -> None:
        async with session_lock(ALICE, "chat-1"):
            agent = await asyncio.to_thread(new_agent, config, ALICE, "chat-1")
            await asyncio.sleep(0.02)  # the stale-history window, held open on purpose
            await agent.invoke_async(prompt)

    async def loop_body(thread: int) -> None:
        await asyncio.gather(*(locked_turn(f"turn {thread}.{n}") for n in range(TURNS_PER_LOOP)))

    run_in_threads(THREADS, lambda thread: asyncio.run(loop_body(thread)))

    history = texts(new_agent(config, ALICE, "chat-1").messages)
    assert len(history) == 2 * THREADS * TURNS_PER_LOOP == 16
    prompts = history[0::2]
    assert sorted(prompts) == sorted(f"turn {t}.{n}" for t in range(THREADS) for n in range(TURNS_PER_LOOP))
    assert history[1::2] == [f"You said: {prompt}" for prompt in prompts]  # every answer follows its prompt


def racing_turns(agents: list[Agent]) -> list[BaseException | None]:
    """Run one turn per agent, each on its own thread and loop, all after every agent has read the history."""
    barrier = threading.Barrier(len(agents))
    outcome: list[BaseException | None] = [None] * len(agents)

    def one(index: int) -> None:
        barrier.wait()
        try:
            asyncio.run(agents[index].invoke_async(f"racing turn {index}"))
        except SessionConflictError as error:
            outcome[index] = error

    run_in_threads(len(agents), one)
    return outcome


def agents_on(manager_type: type[FileSessionManager], config: MemoryConfig, count: int) -> list[Agent]:
    storage = str(config.session_dir / ALICE.namespace)
    return [
        Agent(
            model=OfflineModel(),
            callback_handler=None,
            session_manager=manager_type(session_id="chat-1", storage_dir=storage),
        )
        for _ in range(count)
    ]


def test_without_the_lock_plain_strands_storage_silently_loses_turns(tmp_path: Path) -> None:
    config = file_config(tmp_path)
    turn(config, ALICE, "chat-1", "first")
    outcome = racing_turns(agents_on(FileSessionManager, config, 8))
    assert outcome == [None] * 8  # all eight callers got an answer...
    assert len(new_agent(config, ALICE, "chat-1").messages) == 4  # ...but only one of their turns was kept


def test_without_the_lock_create_only_storage_turns_the_loss_into_conflicts(tmp_path: Path) -> None:
    config = file_config(tmp_path)
    turn(config, ALICE, "chat-1", "first")
    outcome = racing_turns(agents_on(CreateOnlyFileSessionManager, config, 8))
    assert sum(error is None for error in outcome) == 1
    assert all(isinstance(e, SessionConflictError) for e in outcome if e is not None)
    (winner,) = [i for i, error in enumerate(outcome) if error is None]
    history = texts(new_agent(config, ALICE, "chat-1").messages)
    assert history == ["first", "You said: first", f"racing turn {winner}", f"You said: racing turn {winner}"]


def test_the_lock_is_what_keeps_the_create_only_storage_conflict_free(tmp_path: Path) -> None:
    """The same eight racing turns as above, each taking the lock around build and run: all succeed."""
    config = file_config(tmp_path)
    turn(config, ALICE, "chat-1", "first")
    start = threading.Barrier(8)
    outcome: list[Any] = [None] * 8

    async def locked(index: int) -> None:
        async with session_lock(ALICE, "chat-1"):
            agent = new_agent(config, ALICE, "chat-1")
            await agent.invoke_async(f"racing turn {index}")

    def one(index: int) -> None:
        start.wait()
        try:
            asyncio.run(locked(index))
        except SessionConflictError as error:
            outcome[index] = error

    run_in_threads(8, one)
    assert outcome == [None] * 8
    assert len(new_agent(config, ALICE, "chat-1").messages) == 2 + 16
