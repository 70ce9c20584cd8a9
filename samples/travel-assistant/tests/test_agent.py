"""Tests of the agent core, its settings and its tools; offline (see conftest.py), no server involved."""

import asyncio

import pytest
from travel_desk import policy_text

from travel_assistant.agent import AgentReply, call_agent, stream_agent
from travel_assistant.settings import Settings, system_prompt_for
from travel_assistant.tools import TOOLS


def collect(prompt: str) -> list[str | AgentReply]:
    """Everything ``stream_agent`` yields for ``prompt``, in order."""

    async def drain() -> list[str | AgentReply]:
        return [item async for item in stream_agent("test-user", prompt)]

    return asyncio.run(drain())


def test_call_agent_uses_a_tool() -> None:
    reply = call_agent("test-user", "get_cars city=CHI")

    assert reply.text.startswith("The get_cars tool returned: Rental cars in Chicago (CHI):")
    assert reply.tool_calls == {"get_cars": 1}
    assert reply.cycles == 2
    assert reply.usage.total_tokens > 0


def test_stream_and_call_give_the_same_answer() -> None:
    *_, streamed = collect("get_hotels city=SFO")
    called = call_agent("test-user", "get_hotels city=SFO")

    assert isinstance(streamed, AgentReply)
    assert streamed.text == called.text
    assert streamed.text.startswith("The get_hotels tool returned: Hotels in San Francisco (SFO):")


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_MODEL_ID", "my-model")
    monkeypatch.setenv("AGENT_SYSTEM_PROMPT", "Be brief.")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")

    settings = Settings.from_env()

    assert settings == Settings(
        model_provider="offline",
        model_id="my-model",
        system_prompt="Be brief.",
        aws_region="eu-west-1",
        bookings_dir=settings.bookings_dir,  # conftest.py's temporary directory
    )


def test_the_system_prompt_is_the_travel_policy_by_default() -> None:
    settings = Settings.from_env()

    assert settings.system_prompt == system_prompt_for(policy_text())
    assert "Acme Corporation travel policy" in settings.system_prompt


def test_settings_refuse_an_unknown_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_MODEL_PROVIDER", "nope")

    with pytest.raises(ValueError, match=r"AGENT_MODEL_PROVIDER.*choose one of: offline, bedrock"):
        Settings.from_env()


def test_tools_are_exported() -> None:
    assert [t.tool_name for t in TOOLS] == [
        "get_policies",
        "get_flights",
        "get_hotels",
        "get_cars",
        "book_travel",
        "list_bookings",
        "whoami",
    ]
