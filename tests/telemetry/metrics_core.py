"""A core built like a generated project's ``agent.py`` (``AgentCore`` with ``build_agent``), whose one tool
fails: the offline model calls ``weather`` when the prompt names it, and the tool raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent_scaffold_runtime.core import AgentCore
from strands import Agent, tool


class WeatherServiceDown(RuntimeError):
    pass


@tool
def weather(city: str) -> str:
    """The weather in a city."""
    raise WeatherServiceDown(f"no weather for {city}: the service is down")


@dataclass(frozen=True)
class Settings:
    model_provider: str = "offline"
    model_id: str = "offline"
    aws_region: str = "us-east-1"


def build_agent(settings: Settings, *, principal: Any, session_id: str, target: str) -> Agent:
    return Agent(model=core.model(settings), tools=[weather], **core.wiring(principal, session_id, target))


core: AgentCore[Settings] = AgentCore(build_agent, Settings)
stream_agent = core.stream
call_agent = core.call
