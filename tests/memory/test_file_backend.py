"""The ``file`` backend with real Strands agents: history survives between agents, users never share it."""

from __future__ import annotations

from pathlib import Path

import pytest
from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.memory import InvalidSessionId, MemoryConfig, session_manager_for
from agent_scaffold_runtime.memory.file import CreateOnlyFileSessionManager

from .support import ALICE, BOB, new_agent, texts, turn


@pytest.fixture
def config(tmp_path: Path) -> MemoryConfig:
    return MemoryConfig.from_env({"AGENT_MEMORY": "file", "AGENT_SESSION_DIR": str(tmp_path / "sessions")})


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_turns_in_one_session_are_remembered(config: MemoryConfig) -> None:
    first = turn(config, ALICE, "chat-1", "hello there")
    assert len(first.messages) == 2

    second = new_agent(config, ALICE, "chat-1")  # a fresh agent, as the next request would build
    assert texts(second.messages) == ["hello there", "You said: hello there"]
    second("and again")
    assert texts(second.messages) == [
        "hello there",
        "You said: hello there",
        "and again",
        "You said: and again",
    ]
    assert len(new_agent(config, ALICE, "chat-1").messages) == 4


def test_another_user_naming_the_same_session_id_gets_an_empty_session_elsewhere(
    config: MemoryConfig,
) -> None:
    turn(config, ALICE, "chat-1", "my secret is 42")
    alice_dir = config.session_dir / ALICE.namespace
    before = snapshot(alice_dir)

    bob = new_agent(config, BOB, "chat-1")
    assert bob.messages == []
    bob("what is the secret?")
    assert texts(bob.messages) == ["what is the secret?", "You said: what is the secret?"]

    assert sorted(p.name for p in config.session_dir.iterdir()) == sorted([ALICE.namespace, BOB.namespace])
    assert (config.session_dir / BOB.namespace / "session_chat-1").is_dir()
    assert snapshot(alice_dir) == before  # not a byte of Alice's session changed
    assert texts(new_agent(config, ALICE, "chat-1").messages) == [
        "my secret is 42",
        "You said: my secret is 42",
    ]


def test_same_user_id_under_another_auth_method_is_another_user(config: MemoryConfig) -> None:
    turn(config, ALICE, "chat-1", "hello")
    assert new_agent(config, Principal(user_id="alice", auth_method="iam"), "chat-1").messages == []


def test_user_ids_never_shape_paths(config: MemoryConfig) -> None:
    sneaky = Principal(user_id="../../etc", auth_method="jwt")
    turn(config, sneaky, "chat-1", "hi")
    (user_dir,) = config.session_dir.iterdir()
    assert user_dir.name == sneaky.namespace and len(user_dir.name) == 32


@pytest.mark.parametrize("session_id", ["../x", "a/b", "", ".hidden", "x" * 257, "a b", "a\n"])
def test_unsafe_session_ids_are_refused(config: MemoryConfig, session_id: str) -> None:
    with pytest.raises(InvalidSessionId) as caught:
        session_manager_for(config, ALICE, session_id)
    assert caught.value.status == 400 and isinstance(caught.value, ValueError)
    assert not config.session_dir.exists()


def test_the_manager_is_the_create_only_strands_file_manager(config: MemoryConfig) -> None:
    manager = session_manager_for(config, ALICE, "chat-1")
    assert isinstance(manager, CreateOnlyFileSessionManager)
    assert Path(manager.storage_dir) == config.session_dir / ALICE.namespace


def test_none_backend_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = MemoryConfig.from_env({"AGENT_MEMORY": "none"})
    assert session_manager_for(config, ALICE, "chat-1") is None
    turn(config, ALICE, "chat-1", "hello")
    assert len(new_agent(config, ALICE, "chat-1").messages) == 0
    assert list(tmp_path.iterdir()) == []
