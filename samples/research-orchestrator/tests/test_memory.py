"""Conversation memory: turns of one session are remembered, and a session belongs to the verified user.

The project keeps sessions in files in
production; these tests use the ``file`` backend in a temporary directory (see conftest.py), which stores
sessions under the same per-user keys as every backend.
The offline model counts one input token per word of the conversation it is sent, so a remembered history
shows up as a larger ``usage.input_tokens``.
"""

import pytest
from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.memory import MemoryConfig

from research_orchestrator.agent import call_agent
from research_orchestrator.settings import RUNTIME_DEFAULTS

ALICE = Principal(user_id="alice", auth_method="jwt")
BOB = Principal(user_id="bob", auth_method="jwt")


def test_a_session_remembers_its_turns() -> None:
    call_agent("alice", "My favourite number is seven", session_id="alice-chat", principal=ALICE)
    second = call_agent("alice", "What did I say?", session_id="alice-chat", principal=ALICE)
    fresh = call_agent("alice", "What did I say?", session_id="another-chat", principal=ALICE)

    assert second.usage.input_tokens > fresh.usage.input_tokens


def test_another_user_naming_the_same_session_starts_fresh() -> None:
    call_agent("alice", "My favourite number is seven", session_id="shared-id", principal=ALICE)
    alice_again = call_agent("alice", "What did I say?", session_id="shared-id", principal=ALICE)
    bob = call_agent("bob", "What did I say?", session_id="shared-id", principal=BOB)
    fresh = call_agent("bob", "What did I say?", session_id="bob-own-chat", principal=BOB)

    assert bob.session_id == "shared-id"
    assert bob.usage.input_tokens == fresh.usage.input_tokens < alice_again.usage.input_tokens


def test_the_same_user_id_from_another_auth_method_is_another_user() -> None:
    """A session is keyed by how the user was verified too: a local ``alice`` is not the token's ``alice``."""
    call_agent("alice", "My favourite number is seven", session_id="alice-chat", principal=ALICE)
    local = call_agent("alice", "What did I say?", session_id="alice-chat")
    fresh = call_agent("alice", "What did I say?", session_id="local-chat")

    assert local.usage.input_tokens == fresh.usage.input_tokens


def test_without_memory_nothing_is_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_MEMORY", "none")
    call_agent("alice", "My favourite number is seven", session_id="alice-chat", principal=ALICE)
    second = call_agent("alice", "What did I say?", session_id="alice-chat", principal=ALICE)
    fresh = call_agent("alice", "What did I say?", session_id="another-chat", principal=ALICE)

    assert second.usage.input_tokens == fresh.usage.input_tokens


def test_the_project_backend_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``AGENT_MEMORY`` the project's answer applies: ``file``."""
    monkeypatch.delenv("AGENT_MEMORY")

    config = MemoryConfig.from_env(defaults=RUNTIME_DEFAULTS)

    assert config.backend == "file"
