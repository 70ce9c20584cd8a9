"""Tool authorization on a real Agent: a disallowed tool is not offered, and a forced call never runs."""

from __future__ import annotations

from typing import Any

import pytest
from agent_scaffold_runtime.identity import ANONYMOUS, Principal
from agent_scaffold_runtime.tool_auth import (
    ToolAuthorizer,
    ToolRequirements,
    allowed_tools,
    requirements_of,
    requires,
)
from strands import Agent, tool

from .support import RecordingModel

RUNS: dict[str, int] = {"refund": 0, "audit": 0}


@requires(scopes={"orders:refund"})
@tool
def refund(order_id: str) -> str:
    """Refund an order."""
    RUNS["refund"] += 1
    return f"refunded {order_id}"


@tool
@requires(groups=("auditors", "admins"))
def audit(topic: str) -> str:
    """Read the audit log."""
    RUNS["audit"] += 1
    return f"audit of {topic}"


@tool
def weather(city: str) -> str:
    """Open to everyone."""
    return f"sunny in {city}"


TOOLS = [refund, audit, weather]
CLERK = Principal(user_id="clerk", auth_method="jwt", scopes=frozenset({"orders:read"}))
SUPERVISOR = Principal(
    user_id="sup",
    auth_method="jwt",
    scopes=frozenset({"orders:read", "orders:refund"}),
    groups=frozenset({"admins"}),
)
FORCE_REFUND = [{"tool": "refund", "input": {"order_id": "A1"}}]


@pytest.fixture(autouse=True)
def reset_runs() -> None:
    RUNS.update(refund=0, audit=0)


def needs(target: Any) -> ToolRequirements:
    found = requirements_of(target)
    assert found is not None
    return found


def test_requires_marks_the_tool_whichever_way_it_is_stacked() -> None:
    assert needs(refund).scopes == {"orders:refund"}
    assert needs(audit).groups == {"auditors", "admins"}
    assert requirements_of(weather) is None


def test_requires_survives_strands_rewrapping_a_method_tool() -> None:
    class Shop:
        @requires(scopes={"shop:admin"})
        @tool
        def close_shop(self, reason: str) -> str:
            """Close the shop."""
            return reason

    bound = Shop().close_shop  # Strands builds a new DecoratedFunctionTool per instance
    assert bound is not Shop.__dict__["close_shop"]
    assert needs(bound).scopes == {"shop:admin"}


def test_requires_marks_any_tool_object() -> None:
    class SomeTool:  # e.g. an MCP tool
        pass

    assert needs(requires(scopes="a:b")(SomeTool())).scopes == {"a:b"}  # a single name is not split
    with pytest.raises(TypeError, match="cannot mark"):
        requires(scopes="a:b")(object())


def test_allowed_tools_filters_by_scopes_and_groups() -> None:
    assert allowed_tools(TOOLS, CLERK) == [weather]
    assert allowed_tools(TOOLS, SUPERVISOR) == TOOLS
    assert allowed_tools(TOOLS, Principal(user_id="a", groups=frozenset({"auditors"}))) == [audit, weather]


def test_filtered_tools_are_not_offered_and_cannot_be_forced() -> None:
    model = RecordingModel(script=FORCE_REFUND)
    agent = Agent(model=model, tools=allowed_tools(TOOLS, CLERK), callback_handler=None)
    result = agent("refund order A1")
    assert model.offered[0] == ["weather"]
    assert RUNS["refund"] == 0
    assert "Unknown tool: refund" in str(result)


def test_authorizer_hides_disallowed_tools_and_refuses_a_forced_call() -> None:
    model = RecordingModel(script=FORCE_REFUND)
    agent = Agent(model=model, tools=TOOLS, callback_handler=None, hooks=[ToolAuthorizer(CLERK)])
    result = agent("refund order A1")
    assert all(offered == ["weather"] for offered in model.offered)
    assert RUNS["refund"] == 0
    assert str(result).strip() == (
        "The refund tool returned: Not authorized: this caller may not use 'refund' "
        "(it requires scopes orders:refund)."
    )
    assert result.metrics.get_summary()["tool_usage"] == {}  # refused before it ran


def test_authorizer_lets_an_authorized_caller_through() -> None:
    model = RecordingModel(script=FORCE_REFUND)
    agent = Agent(model=model, tools=TOOLS, callback_handler=None, hooks=[ToolAuthorizer(SUPERVISOR)])
    assert str(agent("refund order A1")).strip() == "The refund tool returned: refunded A1"
    assert model.offered[0] == ["refund", "audit", "weather"]
    assert RUNS["refund"] == 1


@pytest.mark.parametrize(
    ("state", "runs", "offered"),
    [
        ({"principal": SUPERVISOR}, 1, ["refund", "audit", "weather"]),
        ({"principal": CLERK}, 0, ["weather"]),
        ({}, 0, ["weather"]),  # nobody identified: only unmarked tools
        ({"principal": "sup"}, 0, ["weather"]),  # not a Principal: not trusted
    ],
)
def test_one_agent_many_callers_reads_the_principal_per_invocation(
    state: dict[str, Any], runs: int, offered: list[str]
) -> None:
    model = RecordingModel(script=FORCE_REFUND)
    agent = Agent(model=model, tools=TOOLS, callback_handler=None, hooks=[ToolAuthorizer()])
    agent("refund order A1", invocation_state=state)
    assert RUNS["refund"] == runs
    assert model.offered[0] == offered
    assert ToolAuthorizer().principal_for(state) in (SUPERVISOR, CLERK, ANONYMOUS)


def test_an_authorizer_added_after_the_agent_was_built_still_hides_and_refuses() -> None:
    model = RecordingModel(script=FORCE_REFUND)
    agent = Agent(model=model, tools=TOOLS, callback_handler=None)
    agent.hooks.add_hook(ToolAuthorizer(CLERK))
    agent("refund order A1")
    assert model.offered[0] == ["weather"]
    assert RUNS["refund"] == 0
