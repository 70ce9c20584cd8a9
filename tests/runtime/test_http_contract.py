"""The wire contract, checked over real loopback sockets against both HTTP adapters (AgentCore and FastAPI).

One parametrised suite on purpose: the promise is that one client can call either server.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from agent_scaffold_runtime import agentcore_adapter, fastapi_adapter, sse
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.protocol import SESSION_HEADER, Limits

from tests.support.servers import serving

ADAPTERS = {"agentcore": agentcore_adapter.create_app, "fastapi": fastapi_adapter.create_app}


@pytest.fixture(scope="module", params=sorted(ADAPTERS))
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    app = ADAPTERS[request.param](
        AgentRef("tests.support.demo_core"), limits=Limits(max_prompt_chars=1000, max_body_bytes=4096)
    )
    with serving(app) as url:
        yield url


@pytest.fixture()
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


def read_sse(response: httpx.Response) -> list[Any]:
    return sse.decode_lines(list(response.iter_lines()))


def test_ping_is_healthy(client: httpx.Client) -> None:
    response = client.get("/ping")
    assert response.status_code == 200
    assert response.json()["status"] == "Healthy"


def test_json_reply_calls_the_tool_and_reports_usage(client: httpx.Client) -> None:
    response = client.post("/invocations", json={"prompt": "use calculator expression=6*7"})
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "The calculator tool returned: 42"
    assert body["stop_reason"] == "end_turn"
    assert body["metrics"]["tool_calls"] == {"calculator": 1}
    assert body["metrics"]["cycles"] == 2
    assert body["usage"]["total_tokens"] == body["usage"]["input_tokens"] + body["usage"]["output_tokens"] > 0
    assert response.headers[SESSION_HEADER] == body["session_id"]
    assert len(body["session_id"]) >= 33  # AgentCore's minimum session id length


def test_session_id_from_body_or_header_round_trips(client: httpx.Client) -> None:
    from_body = client.post("/invocations", json={"prompt": "hi", "session_id": "body-session-1"})
    assert from_body.json()["session_id"] == "body-session-1"
    assert from_body.headers[SESSION_HEADER] == "body-session-1"
    from_header = client.post(
        "/invocations", json={"prompt": "hi"}, headers={SESSION_HEADER: "header-session-2"}
    )
    assert from_header.json()["session_id"] == "header-session-2"


def test_context_and_target_reach_the_core(client: httpx.Client, server: str) -> None:
    response = client.post("/invocations", json={"prompt": "whoami", "context": {"locale": "fr"}})
    assert response.json()["text"].startswith("user=anonymous context=[('locale', 'fr')] target=")
    assert response.json()["text"].split("target=")[1] in ("agentcore", "fastapi")


@pytest.mark.parametrize("how", ["body", "accept-header"])
def test_streaming_sends_json_string_chunks_then_the_reply(client: httpx.Client, how: str) -> None:
    payload: dict[str, Any] = {"prompt": "hello streaming world"}
    headers = {}
    if how == "body":
        payload["stream"] = True
    else:
        headers["accept"] = "text/event-stream"
    with client.stream("POST", "/invocations", json=payload, headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = read_sse(response)
    chunks, final = events[:-1], events[-1]
    assert all(isinstance(chunk, str) for chunk in chunks) and len(chunks) == 5
    assert "".join(chunks) == "You said: hello streaming world"
    assert final["done"] is True and final["text"] == ""
    assert final["reply"]["text"] == "You said: hello streaming world"


def test_streamed_chunks_arrive_before_the_reply_is_finished(client: httpx.Client) -> None:
    arrivals: list[float] = []
    with client.stream(
        "POST", "/invocations", json={"prompt": "slow one two three", "stream": True}
    ) as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                arrivals.append(time.monotonic())
    # The core sleeps 0.2 s before each of its 6 chunks: a buffered reply would deliver them all at once.
    assert len(arrivals) == 7
    assert arrivals[-1] - arrivals[0] > 0.6


def test_failure_before_the_stream_starts_is_an_error_status(client: httpx.Client) -> None:
    response = client.post("/invocations", json={"prompt": "fail-before", "stream": True})
    assert response.status_code == 500
    assert response.json() == {"error": "The agent failed (AgentFailure).", "code": "agent_error"}


def test_failure_after_the_stream_started_is_an_error_event(client: httpx.Client) -> None:
    with client.stream(
        "POST", "/invocations", json={"prompt": "fail-after this", "stream": True}
    ) as response:
        assert response.status_code == 200
        events = read_sse(response)
    assert events[0] == "You "
    assert events[-1] == {"error": "The agent failed (AgentFailure).", "code": "agent_error"}


def test_agent_failure_is_a_500_not_a_200(client: httpx.Client) -> None:
    response = client.post("/invocations", json={"prompt": "fail-before"})
    assert response.status_code == 500
    assert response.json()["code"] == "agent_error"
    assert "Traceback" not in response.text


BAD_BODIES = [
    pytest.param(b"{not json", 400, None, id="invalid-json"),
    pytest.param(b"\xff\xfe\x00", 400, None, id="invalid-encoding"),
    pytest.param(b"[1, 2]", 400, "invalid_request", id="array"),
    pytest.param(b'"just a string"', 400, "invalid_request", id="string"),
    pytest.param(b"{}", 400, "invalid_request", id="missing-prompt"),
    pytest.param(b'{"prompt": ""}', 400, "invalid_request", id="empty-prompt"),
    pytest.param(b'{"prompt": "   "}', 400, "invalid_request", id="blank-prompt"),
    pytest.param(b'{"prompt": 42}', 400, "invalid_request", id="prompt-number"),
    pytest.param(b'{"prompt": null}', 400, "invalid_request", id="prompt-null"),
    pytest.param(b'{"prompt": ["a"]}', 400, "invalid_request", id="prompt-array"),
    pytest.param(b'{"prompt": "hi", "session_id": 7}', 400, "invalid_request", id="session-number"),
    pytest.param(b'{"prompt": "hi", "session_id": "../etc"}', 400, "invalid_request", id="session-traversal"),
    pytest.param(b'{"prompt": "hi", "stream": "yes"}', 400, "invalid_request", id="stream-string"),
    pytest.param(b'{"prompt": "hi", "context": []}', 400, "invalid_request", id="context-array"),
    pytest.param(b'{"prompt": "hi", "promt": "typo"}', 400, "invalid_request", id="unknown-field"),
    pytest.param(json.dumps({"prompt": "x" * 1001}).encode(), 413, "payload_too_large", id="prompt-too-long"),
    pytest.param(json.dumps({"prompt": "x" * 5000}).encode(), 413, "payload_too_large", id="body-too-large"),
]


@pytest.mark.parametrize(("body", "status", "code"), BAD_BODIES)
def test_bad_requests_get_a_4xx_json_error(
    client: httpx.Client, body: bytes, status: int, code: str | None
) -> None:
    response = client.post("/invocations", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    error = response.json()
    assert isinstance(error["error"], str) and error["error"]
    if code is not None:
        assert error["code"] == code


def test_oversized_chunked_body_is_refused_without_buffering_it(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"prompt": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    response = client.post("/invocations", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_server_still_answers_after_bad_requests(client: httpx.Client) -> None:
    for _ in range(3):
        client.post("/invocations", content=b"{", headers={"content-type": "application/json"})
    assert client.post("/invocations", json={"prompt": "still here"}).json()["text"] == "You said: still here"


def test_fastapi_refuses_iam_auth_because_nothing_in_front_verifies_sigv4(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from agent_scaffold_runtime.auth import AuthConfigError

    monkeypatch.setenv("AGENT_AUTH", "iam")
    with pytest.raises(AuthConfigError, match="not available on the fastapi target"):
        fastapi_adapter.create_app(AgentRef("tests.support.demo_core"))
    agentcore_adapter.create_app(AgentRef("tests.support.demo_core"))  # AgentCore verifies SigV4 itself


def test_a_reply_that_never_streamed_still_arrives_as_a_chunk(client: httpx.Client) -> None:
    """An answer that never streamed (a run limit's message) must not leave chunk-only clients blank."""
    with client.stream("POST", "/invocations", json={"prompt": "whoami", "stream": True}) as response:
        events = read_sse(response)
    assert isinstance(events[0], str) and events[0].startswith("user=anonymous")
    assert events[1]["done"] is True and events[1]["reply"]["text"] == events[0]
    assert len(events) == 2
