"""The offline model's documented rules, driven through a real Strands agent loop."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from agent_scaffold_runtime.models import PROVIDERS, build_model
from agent_scaffold_runtime.offline_model import OfflineModel, scripted_turns
from agent_scaffold_runtime.reply import AgentReply
from strands import Agent, tool


@tool
def word_count(text: str) -> int:
    """Count words."""
    return len(text.split())


@tool
def greet(name: str, times: int = 1) -> str:
    """Greet someone."""
    return " ".join([f"hello {name}"] * times)


def ask(prompt: str, **model_kwargs: object) -> AgentReply:
    agent = Agent(model=OfflineModel(**model_kwargs), tools=[word_count, greet], callback_handler=None)  # type: ignore[arg-type]
    return AgentReply.from_result(agent(prompt), session_id="s")


def test_echo_when_no_tool_is_named() -> None:
    reply = ask("tell me a story")
    assert reply.text == "You said: tell me a story"
    assert reply.tool_calls == {} and reply.cycles == 1
    assert (reply.usage.input_tokens, reply.usage.output_tokens) == (4, 6)


def test_named_tool_is_called_with_key_value_arguments() -> None:
    reply = ask('please greet name="Ada Lovelace" times=2')
    assert reply.text == "The greet tool returned: hello Ada Lovelace hello Ada Lovelace"
    assert reply.tool_calls == {"greet": 1} and reply.cycles == 2


def test_sole_required_argument_takes_the_text_after_the_tool_name() -> None:
    assert ask("word_count: the quick brown fox").text == "The word_count tool returned: 4"


def test_tool_name_must_be_a_whole_word() -> None:
    assert ask("greeting cards").text == "You said: greeting cards"


def test_script_plays_turns_in_order_then_falls_back_to_rules() -> None:
    model = OfflineModel(script=[{"tool": "greet", "input": {"name": "Bob"}}, {"text": "Greeted Bob."}])
    agent = Agent(model=model, tools=[word_count, greet], callback_handler=None)
    assert str(agent("anything")).strip() == "Greeted Bob."
    assert str(agent("again")).strip() == "You said: again"


def test_stream_yields_one_word_per_chunk() -> None:
    async def run() -> list[str]:
        agent = Agent(model=OfflineModel(), tools=[], callback_handler=None)
        return [e["data"] async for e in agent.stream_async("a b c") if "data" in e]

    assert asyncio.run(run()) == ["You ", "said: ", "a ", "b ", "c"]


def test_answers_are_deterministic() -> None:
    assert ask("greet name=Zed").to_dict() | {"metrics": None} == ask("greet name=Zed").to_dict() | {
        "metrics": None
    }


def test_build_model_knows_every_provider_and_refuses_others() -> None:
    assert isinstance(build_model("offline"), OfflineModel)
    assert set(PROVIDERS) >= {"offline", "bedrock", "anthropic", "openai", "ollama", "litellm"}
    with pytest.raises(ValueError, match="Unknown model provider 'gpt'"):
        build_model("gpt")


def test_bedrock_model_is_built_without_calling_aws() -> None:
    model = build_model("bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0", region="eu-west-1")
    assert model.get_config()["model_id"] == "us.anthropic.claude-sonnet-4-20250514-v1:0"


def test_scripted_turns_are_looked_up_by_prompt_ignoring_case_and_spacing(tmp_path: Path) -> None:
    turns = [{"tool": "get_flights", "input": {"destination": "NYC"}}, {"text": "Booked."}]
    flat = tmp_path / "offline.json"
    flat.write_text(json.dumps({"Book me a flight to NYC": turns}), encoding="utf-8")
    by_agent = tmp_path / "agents.json"
    by_agent.write_text(json.dumps({"orchestrator": {"What is 2+2?": [{"text": "4"}]}}), encoding="utf-8")

    assert scripted_turns(str(flat), "  book ME a flight   to nyc ") == turns
    assert scripted_turns(str(flat), "Book me a hotel in NYC") is None
    assert scripted_turns(str(by_agent), "what is 2+2?", section="orchestrator") == [{"text": "4"}]
    assert scripted_turns(str(by_agent), "What is 2+2?", section="math_specialist") is None
