"""Fault cases on a core that builds its Strands agent without a ``build_agent`` hook point: the chaos
plugin still reaches the agent, and only while a case with faults runs."""

from __future__ import annotations

import types

from agent_scaffold_runtime.evals import CoreRunner, EvalCase, run_cases
from agent_scaffold_runtime.evals.cases import ToolCallExpectation, ToolsExpectation
from agent_scaffold_runtime.offline_model import OfflineModel
from agent_scaffold_runtime.reply import AgentReply
from strands import Agent, tool

PROMPT = "Ask the calculator expression=6*7"


@tool
def calculator(expression: str) -> str:
    """Evaluate an arithmetic expression.

    Args:
        expression: The expression.
    """
    return "42"


def call_agent(user_id: str, prompt: str, *, session_id: str, target: str | None = None) -> AgentReply:
    agent = Agent(model=OfflineModel(), tools=[calculator], callback_handler=None)
    return AgentReply.from_result(agent(prompt), session_id=session_id)


CORE = types.ModuleType("core_without_build_agent")
CORE.call_agent = call_agent  # type: ignore[attr-defined]
CALCULATOR = ToolsExpectation((ToolCallExpectation("calculator"),), status="error")


def case(name: str, faults: dict[str, str]) -> EvalCase:
    return EvalCase(set_name="faults", name=name, turns=(PROMPT,), tools=CALCULATOR, faults=faults)


def test_a_fault_reaches_an_agent_built_without_build_agent() -> None:
    failing, healthy = run_cases(
        [case("fails", {"calculator": "error"}), case("healthy", {})], CoreRunner(CORE)
    )

    assert failing.status == "pass", failing.failures()
    assert failing.trajectory == [{"name": "calculator", "input": {"expression": "6*7"}, "status": "error"}]
    assert "42" not in failing.output
    # The case without faults, in the same run, calls the real tool.
    assert healthy.status == "fail"
    assert healthy.trajectory[0]["status"] == "success"
    assert healthy.output == "The calculator tool returned: 42"
    # And Agent is itself again afterwards.
    assert Agent.__init__.__qualname__ == "Agent.__init__"
