"""Runaway limits on a real Agent: cycles, per-tool timeout, request timeout, bounded model retries."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from agent_scaffold_runtime.errors import from_agent_failure
from agent_scaffold_runtime.run_limits import (
    CycleLimit,
    RequestTimeout,
    RunLimits,
    ToolTimeout,
    with_request_timeout,
)
from agent_scaffold_runtime.streaming import run_to_reply
from strands import Agent, tool
from strands.models.bedrock import BedrockModel
from strands.types.exceptions import ModelThrottledException

from .support import RecordingModel, core_stream, drain

SPIN_FOREVER = [{"tool": "spin", "input": {}}] * 200
calls: dict[str, int] = {}


@tool
def spin() -> str:
    """Ask to be called again."""
    calls["spin"] = calls.get("spin", 0) + 1
    return "call me again"


@pytest.fixture(autouse=True)
def reset_calls() -> None:
    calls.clear()


def test_defaults_and_environment() -> None:
    assert RunLimits.from_env({}) == RunLimits(
        max_cycles=10, tool_timeout_s=30, request_timeout_s=120, model_max_retries=2, retry_delay_s=4
    )
    env = {
        "AGENT_MAX_CYCLES": "4",
        "AGENT_TOOL_TIMEOUT_SECONDS": "2.5",
        "AGENT_REQUEST_TIMEOUT_SECONDS": "60",
        "AGENT_MODEL_MAX_RETRIES": "0",
        "AGENT_MODEL_RETRY_DELAY_SECONDS": "1",
        "AGENT_POLICY_MASK_PII": "ignored here",
    }
    assert RunLimits.from_env(env) == RunLimits(4, 2.5, 60, 0, 1)


@pytest.mark.parametrize(
    "env",
    [{"AGENT_MAX_CYCLES": "0"}, {"AGENT_MAX_CYCLES": "ten"}, {"AGENT_TOOL_TIMEOUT_SECONDS": "-1"}],
)
def test_bad_limits_name_the_variable(env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=next(iter(env))):
        RunLimits.from_env(env)


def test_cycle_limit_stops_a_tool_loop_gracefully() -> None:
    model = RecordingModel(script=list(SPIN_FOREVER))
    limits = RunLimits(max_cycles=3)
    agent = Agent(model=model, tools=[spin], callback_handler=None, hooks=limits.hooks())
    result = agent("go")
    assert (model.calls, calls["spin"]) == (3, 3)
    assert result.stop_reason == "end_turn"
    assert str(result).strip() == "Stopped: the limit of 3 agent cycles (AGENT_MAX_CYCLES) was reached."
    assert result.state["run_limit"] == "max_cycles"

    agent("go again")  # the count is per request, not per agent
    assert (model.calls, calls["spin"]) == (6, 6)


def test_cycle_limit_counts_completed_calls_not_retries() -> None:
    model = ThrottledModel(failures=2, script=[{"tool": "spin", "input": {}}, {"text": "done"}])
    agent = Agent(
        model=model,
        tools=[spin],
        callback_handler=None,
        hooks=[CycleLimit(2)],
        retry_strategy=RunLimits(model_max_retries=2, retry_delay_s=0).retry_strategy(),
    )
    assert str(agent("go")).strip() == "done"
    assert model.calls == 4  # two throttled attempts, then two completed cycles


@pytest.fixture()
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # let the abandoned tool thread finish


def test_a_hanging_sync_tool_times_out_without_hanging_the_request(release: threading.Event) -> None:
    @tool
    def hang() -> str:
        """Never answers."""
        release.wait(60)
        return "too late"

    model = RecordingModel(script=[{"tool": "hang", "input": {}}])
    agent = Agent(
        model=model, tools=[hang], callback_handler=None, hooks=RunLimits(tool_timeout_s=0.3).hooks()
    )
    started = time.monotonic()
    # run_to_reply is how Lambda and call_agent run the core: asyncio.run, whose shutdown would wait for a
    # thread in asyncio's default executor.
    reply = run_to_reply(core_stream(agent, "go"))
    assert time.monotonic() - started < 5
    assert (
        reply.text
        == "The hang tool returned: The tool 'hang' did not finish within 0.3 seconds; it was stopped."
    )
    assert reply.tool_calls == {"hang": 1}
    assert any(t.daemon and t.is_alive() for t in threading.enumerate() if t is not threading.main_thread())


def test_a_hanging_async_tool_is_cancelled() -> None:
    cancelled = threading.Event()

    @tool
    async def wait_forever() -> str:
        """Never answers."""
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "too late"

    agent = Agent(
        model=RecordingModel(script=[{"tool": "wait_forever", "input": {}}]),
        tools=[wait_forever],
        callback_handler=None,
        hooks=[ToolTimeout(0.2)],
    )
    started = time.monotonic()
    assert "did not finish within 0.2 seconds" in str(agent("go"))
    assert time.monotonic() - started < 5 and cancelled.is_set()


def test_sync_tools_still_work_normally_under_the_timeout() -> None:
    seen: dict[str, Any] = {}

    @tool(context=True)
    def whoami(greeting: str, tool_context: Any) -> str:
        """Greets the caller."""
        seen["daemon"] = threading.current_thread().daemon
        return f"{greeting}, {tool_context.invocation_state['user_id']}"

    @tool
    def broken() -> str:
        """Fails."""
        raise RuntimeError("disk on fire")

    script = [
        {"tool": "whoami", "input": {"greeting": "hello"}},
        {"tool": "broken", "input": {}},
        {"text": "ok"},
    ]
    model = RecordingModel(script=script)
    agent = Agent(model=model, tools=[whoami, broken], callback_handler=None, hooks=[ToolTimeout(5)])
    result = agent("go", invocation_state={"user_id": "u-7"})
    assert str(result).strip() == "ok"
    assert seen["daemon"] is True  # on its own thread, not asyncio's executor
    results = [b["toolResult"] for m in agent.messages for b in m["content"] if "toolResult" in b]
    assert [(r["status"], r["content"][0]["text"]) for r in results] == [
        ("success", "hello, u-7"),
        ("error", "Error: RuntimeError - disk on fire"),
    ]


def test_request_timeout_gives_504_and_frees_the_agent() -> None:
    @tool
    async def slow() -> str:
        """Takes its time."""
        await asyncio.sleep(10)
        return "finally"

    model = RecordingModel(script=[{"tool": "slow", "input": {}}])
    agent = Agent(model=model, tools=[slow], callback_handler=None)
    started = time.monotonic()
    with pytest.raises(RequestTimeout) as caught:
        asyncio.run(drain(with_request_timeout(core_stream(agent, "go"), 0.3)))
    assert time.monotonic() - started < 5
    assert (caught.value.status, caught.value.code) == (504, "timeout")
    assert caught.value.body() == {
        "error": "The request did not finish within 0.3 seconds.",
        "code": "timeout",
    }
    assert str(agent("hello")).strip() == "You said: hello"  # the stream was closed: the agent is free again


def test_request_timeout_passes_a_quick_stream_through() -> None:
    agent = Agent(model=RecordingModel(), callback_handler=None)
    chunks, reply = asyncio.run(drain(with_request_timeout(core_stream(agent, "hi there"), 5)))
    assert ("".join(chunks), reply.text) == ("You said: hi there", "You said: hi there")


class ThrottledModel(RecordingModel):
    """Throttled on its first ``failures`` calls, then the offline model."""

    def __init__(self, failures: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.failures = failures

    async def stream(
        self, messages: Any, tool_specs: Any = None, system_prompt: Any = None, **kwargs: Any
    ) -> Any:
        if self.calls < self.failures:
            self.calls += 1
            raise ModelThrottledException("Rate exceeded")
        async for event in super().stream(messages, tool_specs, system_prompt, **kwargs):
            yield event


@pytest.mark.parametrize("retries", [0, 2])
def test_model_retries_are_bounded(retries: int) -> None:
    model = ThrottledModel(failures=100)
    limits = RunLimits(model_max_retries=retries, retry_delay_s=0)
    agent = Agent(model=model, callback_handler=None, retry_strategy=limits.retry_strategy())
    with pytest.raises(ModelThrottledException) as caught:
        agent("hi")
    assert model.calls == retries + 1
    assert (from_agent_failure(caught.value).status, from_agent_failure(caught.value).code) == (
        429,
        "throttled",
    )


def test_a_throttle_within_the_budget_is_retried_away() -> None:
    model = ThrottledModel(failures=2)
    agent = Agent(
        model=model, callback_handler=None, retry_strategy=RunLimits(retry_delay_s=0).retry_strategy()
    )
    assert str(agent("hi")).strip() == "You said: hi"
    assert model.calls == 3


def test_bedrock_client_makes_one_attempt_per_strands_try(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    model = BedrockModel(
        model_id="amazon.nova-lite-v1:0",
        region_name="us-east-1",
        boto_client_config=RunLimits().bedrock_client_config(),
    )
    config = model.client.meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert config.read_timeout == 120


def test_a_timeout_added_after_the_agent_was_built_still_applies(release: threading.Event) -> None:
    @tool
    def hang() -> str:
        """Never answers."""
        release.wait(60)
        return "too late"

    def agent(**kwargs: Any) -> Agent:
        model = RecordingModel(script=[{"tool": "hang", "input": {}}])
        return Agent(model=model, tools=[hang], callback_handler=None, **kwargs)

    shared = ToolTimeout(0.2)  # one provider, two agents
    late, early = agent(), agent(hooks=[shared])
    late.hooks.add_hook(shared)
    for each in (late, early):
        assert "did not finish within 0.2 seconds" in str(each("go"))
