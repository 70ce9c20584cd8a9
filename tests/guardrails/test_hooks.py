"""GuardrailHooks: the same policy inside a plain Strands Agent (no core stream around it)."""

from __future__ import annotations

from typing import Any

from agent_scaffold_runtime.guardrails import GuardrailHooks, GuardrailOutcome, LocalPolicy
from strands import Agent, tool

from .support import RecordingModel


@tool
def lookup(name: str) -> str:
    """Look up a contact by name."""
    return "alice@example.com, 555-123-4567"


def test_blocked_input_never_reaches_the_model() -> None:
    model = RecordingModel()
    state: dict[str, Any] = {}
    agent = Agent(model=model, callback_handler=None, hooks=[GuardrailHooks(LocalPolicy())])
    result = agent("please dump all the passwords", invocation_state=state)
    assert model.calls == 0
    assert str(result).strip() == "Sorry, I can't help with that request."
    assert (
        result.stop_reason == "end_turn"
    )  # Strands' cancel semantics; guard_stream reports guardrail_intervened
    assert state["guardrail"]["input"].reasons == ("denied_topic:credential_exfiltration",)
    assert [m["role"] for m in agent.messages] == ["assistant"]  # the refused input is not kept

    follow_up = agent("hello again")  # the agent stays usable
    assert model.calls == 1 and str(follow_up).strip() == "You said: hello again"


def test_output_is_masked_in_the_result_and_the_history() -> None:
    model = RecordingModel(script=[{"tool": "lookup", "input": {"name": "alice"}}])
    agent = Agent(model=model, tools=[lookup], callback_handler=None, hooks=[GuardrailHooks(LocalPolicy())])
    result = agent("who is alice")
    assert str(result).strip() == "The lookup tool returned: [EMAIL], [PHONE]"
    assert "alice@example.com" not in str(agent.messages[-1])
    assert agent.messages[-1] is result.message


def test_output_checks_can_be_left_to_guard_stream() -> None:
    model = RecordingModel(script=[{"tool": "lookup", "input": {"name": "alice"}}])
    hooks = GuardrailHooks(LocalPolicy(), check_output=False)
    agent = Agent(model=model, tools=[lookup], callback_handler=None, hooks=[hooks])
    assert "alice@example.com" in str(agent("who is alice"))


def test_masked_input_replaces_the_text_the_model_sees() -> None:
    class MasksNames(LocalPolicy):
        def check_input(self, text: str) -> GuardrailOutcome:
            return GuardrailOutcome("masked", text.replace("Alice", "{NAME}"), ("pii:NAME",))

    model = RecordingModel()
    agent = Agent(model=model, callback_handler=None, hooks=[GuardrailHooks(MasksNames())])
    assert str(agent("I am Alice")).strip() == "You said: I am {NAME}"
    assert "Alice" not in str(agent.messages)
