"""Tests of the agent core, its settings and its tools; offline (see conftest.py), no server involved."""

import asyncio

import pytest

from research_orchestrator.agent import AgentReply, call_agent, stream_agent
from research_orchestrator.settings import Settings
from research_orchestrator.specialists import SPECIALISTS
from research_orchestrator.tools import MATH_TOOLS, RESEARCH_TOOLS, TOOLS


def collect(prompt: str) -> list[str | AgentReply]:
    """Everything ``stream_agent`` yields for ``prompt``, in order."""

    async def drain() -> list[str | AgentReply]:
        return [item async for item in stream_agent("test-user", prompt)]

    return asyncio.run(drain())


def test_call_agent_delegates_to_a_specialist() -> None:
    """The offline model calls the tool the prompt names; the specialist (no script) echoes its task."""
    reply = call_agent("test-user", "research_specialist: Lisbon")

    assert reply.text == "The research_specialist tool returned: You said: Lisbon"
    assert reply.tool_calls == {"research_specialist": 1}
    assert reply.cycles == 2
    assert reply.usage.total_tokens > 0


def test_stream_and_call_give_the_same_answer() -> None:
    """The specialist is an agent too: its own output reaches the stream only as the tool's result."""
    *chunks, streamed = collect("math_specialist: 6*7")
    called = call_agent("test-user", "math_specialist: 6*7")

    assert isinstance(streamed, AgentReply)
    assert streamed.text == called.text == "The math_specialist tool returned: You said: 6*7"
    assert "".join(str(chunk) for chunk in chunks) == streamed.text


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_MODEL_ID", "my-model")
    monkeypatch.setenv("AGENT_SYSTEM_PROMPT", "Be brief.")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")

    settings = Settings.from_env()

    assert settings == Settings(
        model_provider="offline", model_id="my-model", system_prompt="Be brief.", aws_region="eu-west-1"
    )


def test_settings_refuse_an_unknown_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_MODEL_PROVIDER", "nope")

    with pytest.raises(ValueError, match=r"AGENT_MODEL_PROVIDER.*choose one of: offline, bedrock"):
        Settings.from_env()


def test_tools_are_exported() -> None:
    assert TOOLS == []  # the orchestrator only delegates
    assert [t.tool_name for t in SPECIALISTS] == ["research_specialist", "math_specialist"]
    assert [t.tool_name for t in RESEARCH_TOOLS] == ["search_notes", "word_count"]
    assert [t.tool_name for t in MATH_TOOLS] == ["calculator"]
