"""``/ws`` over real sockets on both HTTP adapters, with the ``websockets`` client."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from agent_scaffold_runtime import agentcore_adapter, fastapi_adapter
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.protocol import SESSION_HEADER, Limits
from agent_scaffold_runtime.protocols.auth_headers import encode_browser_bearer
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.support import demo_core
from tests.support.servers import serving

ADAPTERS = {"agentcore": agentcore_adapter.create_app, "fastapi": fastapi_adapter.create_app}
LIMITS = Limits(max_prompt_chars=1000, max_body_bytes=4096)
SLOW_PROMPT = "slow " + " ".join(f"word{n}" for n in range(40))


def ws_url(http_url: str) -> str:
    return "ws" + http_url.removeprefix("http") + "/ws"


@pytest.fixture(scope="module", params=sorted(ADAPTERS))
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    app = ADAPTERS[request.param](AgentRef("tests.support.demo_core"), limits=LIMITS)
    with serving(app) as url:
        yield ws_url(url)


@pytest.fixture(scope="module", params=sorted(ADAPTERS))
def jwt_server(request: pytest.FixtureRequest, jwt_defaults: dict[str, str]) -> Iterator[str]:
    app = ADAPTERS[request.param](AgentRef("tests.support.demo_core"), defaults=jwt_defaults, limits=LIMITS)
    with serving(app) as url:
        yield ws_url(url)


def receive(ws: ClientConnection) -> Any:
    return json.loads(ws.recv(timeout=60))


def turn(ws: ClientConnection, request: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Send one request; collect the text chunks and the final (done or error) event."""
    ws.send(json.dumps(request))
    chunks: list[str] = []
    while True:
        event = receive(ws)
        if isinstance(event, str):
            chunks.append(event)
        else:
            return chunks, event


def test_two_prompts_on_one_connection_stream_two_answers_in_one_session(server: str) -> None:
    with connect(server) as ws:
        first_chunks, first = turn(ws, {"prompt": "use calculator expression=6*7"})
        second_chunks, second = turn(ws, {"prompt": "Hello there"})
    assert first["done"] is True and "".join(first_chunks) == first["reply"]["text"]
    assert first["reply"]["text"] == "The calculator tool returned: 42"
    assert first["reply"]["metrics"]["tool_calls"] == {"calculator": 1}
    assert len(second_chunks) > 1, "the answer arrives in several frames, not one"
    assert "".join(second_chunks) == second["reply"]["text"] == "You said: Hello there"
    # The connection keeps one session across turns unless a request names another.
    assert first["reply"]["session_id"] == second["reply"]["session_id"]


def test_session_comes_from_the_header_or_the_browser_query_parameter(server: str) -> None:
    with connect(server, additional_headers={SESSION_HEADER: "header-session-0001"}) as ws:
        _, done = turn(ws, {"prompt": "hi"})
    assert done["reply"]["session_id"] == "header-session-0001"
    with connect(f"{server}?{SESSION_HEADER}=query-session-0001") as ws:
        _, done = turn(ws, {"prompt": "hi"})
        _, named = turn(ws, {"prompt": "hi", "session_id": "named-session-0001"})
    assert done["reply"]["session_id"] == "query-session-0001"
    assert named["reply"]["session_id"] == "named-session-0001"


def test_cancel_stops_the_running_turn_and_the_connection_goes_on(server: str) -> None:
    with connect(server) as ws:
        ws.send(json.dumps({"prompt": SLOW_PROMPT, "session_id": "cancel-me-0001"}))
        assert isinstance(receive(ws), str)  # the turn is running
        _, busy = turn(ws, {"prompt": "another"})  # chunks of the running turn come first
        assert busy["code"] == "busy"
        ws.send(json.dumps({"cancel": True}))
        while True:
            event = receive(ws)
            if not isinstance(event, str):
                break
        assert event["code"] == "cancelled", event
        deadline = time.monotonic() + 30
        while demo_core.SLOW_TURNS.get("cancel-me-0001") == "running" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert demo_core.SLOW_TURNS["cancel-me-0001"] == "stopped"  # the agent stopped, not just the frames
        _, nothing = turn(ws, {"cancel": True})
        assert nothing["code"] == "not_running"
        _, after = turn(ws, {"prompt": "still here?"})
    assert after["reply"]["text"] == "You said: still here?"


def test_closing_the_socket_mid_turn_stops_the_agent(server: str) -> None:
    with connect(server) as ws:
        ws.send(json.dumps({"prompt": SLOW_PROMPT, "session_id": "close-me-0001"}))
        assert isinstance(receive(ws), str)
    deadline = time.monotonic() + 30
    while demo_core.SLOW_TURNS.get("close-me-0001") == "running" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert demo_core.SLOW_TURNS["close-me-0001"] == "stopped"


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "invalid_json"),
        ("", "invalid_json"),
        (json.dumps([1, 2]), "invalid_request"),
        (json.dumps({"prompt": 5}), "invalid_request"),
        (json.dumps({"prompt": "hi", "extra": 1}), "invalid_request"),
        (json.dumps({"prompt": "x" * 2000}), "payload_too_large"),
        ("x" * 5000, "payload_too_large"),
        (json.dumps({"prompt": "hi", "session_id": "../../etc"}), "invalid_request"),
    ],
)
def test_malformed_frames_get_an_error_frame_and_the_socket_stays_usable(
    server: str, frame: str, code: str
) -> None:
    with connect(server) as ws:
        ws.send(frame)
        error = receive(ws)
        assert error["code"] == code and error["error"]
        _, done = turn(ws, {"prompt": "ok"})
    assert done["reply"]["text"] == "You said: ok"


def test_a_binary_frame_is_refused_with_close_1003(server: str) -> None:
    with connect(server) as ws:
        ws.send(b"\x00\x01")
        assert receive(ws)["code"] == "unsupported_data"
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=30)
    assert ws.close_code == 1003


def test_a_clean_close_is_1000(server: str) -> None:
    with connect(server) as ws:
        turn(ws, {"prompt": "bye"})
    assert ws.close_code == 1000


def test_bad_token_is_refused_at_connect_with_1008(jwt_server: str, forged_token: str) -> None:
    for headers in ({}, {"Authorization": f"Bearer {forged_token}"}):
        with connect(jwt_server, additional_headers=headers) as ws:
            error = receive(ws)
            with pytest.raises(ConnectionClosed):
                ws.recv(timeout=30)
        assert error["code"] in ("unauthorized", "invalid_token"), error
        assert ws.close_code == 1008


def test_good_token_by_header_or_browser_subprotocol_is_served(jwt_server: str, good_token: str) -> None:
    with connect(jwt_server, additional_headers={"Authorization": f"Bearer {good_token}"}) as ws:
        _, by_header = turn(ws, {"prompt": "whoami"})
    protocols: Any = encode_browser_bearer(good_token)
    with connect(jwt_server, subprotocols=protocols) as ws:
        assert ws.subprotocol == "base64UrlBearerAuthorization"
        _, by_subprotocol = turn(ws, {"prompt": "whoami"})
    for done in (by_header, by_subprotocol):
        assert done["reply"]["text"].startswith("user=5f2a1c3e-0000-4000-8000-00000000abcd ")


def test_ping_is_healthy_busy_while_a_websocket_turn_runs(server: str) -> None:
    http = "http" + server.removeprefix("ws").removesuffix("/ws")
    with connect(server) as ws:
        ws.send(json.dumps({"prompt": SLOW_PROMPT, "session_id": "busy-ping-0001"}))
        assert isinstance(receive(ws), str)  # the turn is running
        assert httpx.get(f"{http}/ping", timeout=10).json()["status"] == "HealthyBusy"
        _, cancelled = turn(ws, {"cancel": True})
        assert cancelled["code"] == "cancelled"
        assert httpx.get(f"{http}/ping", timeout=10).json()["status"] == "Healthy"
