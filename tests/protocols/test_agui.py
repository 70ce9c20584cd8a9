"""The agent as an AG-UI endpoint over a real socket: passes ``ag-ui-validate``, shows tool calls."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from ag_ui.core import EventType
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.protocols import agui
from agent_scaffold_runtime.sse import decode_lines
from websockets.sync.client import connect

from tests.support import demo_core
from tests.support.agui import assert_valid_agui, run_input
from tests.support.servers import serving

PROMPT = "use calculator expression=6*7"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving(agui.create_app(AgentRef("tests.support.demo_core"))) as base:
        yield base


def sse_events(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    with httpx.stream("POST", f"{url}/invocations", json=body, headers=headers or {}, timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return decode_lines(list(response.iter_lines()))


def test_stream_is_valid_ag_ui_and_carries_the_calculator_call(url: str) -> None:
    events = sse_events(url, run_input(PROMPT))
    assert_valid_agui(events)
    types = [event["type"] for event in events]
    assert types[0] == EventType.RUN_STARTED and types[-1] == EventType.RUN_FINISHED
    [start] = [e for e in events if e["type"] == EventType.TOOL_CALL_START]
    [args] = [e for e in events if e["type"] == EventType.TOOL_CALL_ARGS]
    [result] = [e for e in events if e["type"] == EventType.TOOL_CALL_RESULT]
    assert start["toolCallName"] == "calculator"
    assert json.loads(args["delta"]) == {"expression": "6*7"}
    assert result["toolCallId"] == start["toolCallId"] and result["content"] == "42"
    text = "".join(e["delta"] for e in events if e["type"] == EventType.TEXT_MESSAGE_CONTENT)
    assert text == demo_core.call_agent("local", PROMPT).text == "The calculator tool returned: 42"
    [state] = [e for e in events if e["type"] == EventType.STATE_SNAPSHOT]
    assert state["snapshot"]["tool_calls"] == {"calculator": 1}


def test_websocket_transport_carries_the_same_events(url: str) -> None:
    with connect("ws" + url.removeprefix("http") + "/ws") as ws:
        ws.send(json.dumps(run_input(PROMPT)))
        events = []
        while not events or events[-1]["type"] not in (EventType.RUN_FINISHED, EventType.RUN_ERROR):
            events.append(json.loads(ws.recv(timeout=60).removeprefix("data: ").strip()))
    assert_valid_agui(events)
    text = "".join(e["delta"] for e in events if e["type"] == EventType.TEXT_MESSAGE_CONTENT)
    assert text == "The calculator tool returned: 42"


def test_a_run_without_a_user_message_is_a_valid_run_error(url: str) -> None:
    body = run_input("x")
    body["messages"] = []
    events = sse_events(url, body)
    assert_valid_agui(events)
    assert events[-1]["type"] == EventType.RUN_ERROR and events[-1]["code"] == "invalid_request"


def test_malformed_input_is_a_400_not_a_crash(url: str) -> None:
    response = httpx.post(f"{url}/invocations", content=b"{not json", timeout=30)
    assert response.status_code == 400
    response = httpx.post(f"{url}/invocations", json={"messages": 5}, timeout=30)
    assert response.status_code == 400


def test_same_auth_as_invocations(jwt_defaults: dict[str, str], good_token: str, forged_token: str) -> None:
    with serving(agui.create_app(AgentRef("tests.support.demo_core"), defaults=jwt_defaults)) as base:
        for headers in ({}, {"Authorization": f"Bearer {forged_token}"}):
            response = httpx.post(f"{base}/invocations", json=run_input("hi"), headers=headers, timeout=30)
            assert response.status_code == 401
        events = sse_events(base, run_input("whoami"), {"Authorization": f"Bearer {good_token}"})
    text = "".join(e["delta"] for e in events if e["type"] == EventType.TEXT_MESSAGE_CONTENT)
    assert text.startswith("user=5f2a1c3e-0000-4000-8000-00000000abcd ")
