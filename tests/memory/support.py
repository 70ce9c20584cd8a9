"""Real Strands agents on the offline model, wired to a session backend exactly as a generated core does."""

from __future__ import annotations

from typing import Any

from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.memory import MemoryConfig, session_manager_for
from agent_scaffold_runtime.offline_model import OfflineModel
from strands import Agent

ALICE = Principal(user_id="alice", auth_method="jwt")
BOB = Principal(user_id="bob", auth_method="jwt")


def new_agent(config: MemoryConfig, principal: Principal, session_id: str) -> Agent:
    """A fresh agent for one turn: building it restores the session's history."""
    return Agent(
        model=OfflineModel(),
        callback_handler=None,
        session_manager=session_manager_for(config, principal, session_id),
    )


def turn(config: MemoryConfig, principal: Principal, session_id: str, prompt: str) -> Agent:
    agent = new_agent(config, principal, session_id)
    agent(prompt)
    return agent


def texts(messages: list[Any]) -> list[str]:
    return [" ".join(block["text"] for block in m["content"] if "text" in block) for m in messages]


def assert_two_turns_are_remembered(config: MemoryConfig) -> None:
    """A second agent on the same session starts from the first turn, and its own turn is kept too: the
    behaviour every backend must show."""
    turn(config, ALICE, "chat-1", "hello there")
    second = new_agent(config, ALICE, "chat-1")
    assert texts(second.messages) == ["hello there", "You said: hello there"]
    second("and again")
    assert len(new_agent(config, ALICE, "chat-1").messages) == 4
