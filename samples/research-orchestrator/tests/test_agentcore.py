"""The AgentCore entrypoint, served in-process by Starlette's test client (no network, offline model)."""

import json
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest
from starlette.testclient import TestClient

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
SESSION_ID = "test-session-0123456789-0123456789-0123456789"


@pytest.fixture
def client(entrypoint: Callable[[str], ModuleType]) -> Iterator[TestClient]:
    """The AgentCore app (``entrypoints/agentcore_app.py``), created with the test's environment."""
    with TestClient(entrypoint("agentcore").app) as client:
        yield client


def test_ping(client: TestClient) -> None:
    response = client.get("/ping")

    assert response.status_code == 200
    assert response.json()["status"] == "Healthy"


def test_invocation_returns_the_reply(client: TestClient) -> None:
    response = client.post("/invocations", json={"prompt": "Hello"})

    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "You said: Hello"
    assert body["usage"]["total_tokens"] > 0
    assert response.headers[SESSION_HEADER] == body["session_id"]


def test_invocation_calls_tools_and_keeps_the_session(client: TestClient) -> None:
    response = client.post(
        "/invocations", json={"prompt": "research_specialist: Lisbon"}, headers={SESSION_HEADER: SESSION_ID}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "The research_specialist tool returned: You said: Lisbon"
    assert body["metrics"]["tool_calls"] == {"research_specialist": 1}
    assert body["session_id"] == SESSION_ID


def test_streamed_invocation(client: TestClient) -> None:
    response = client.post("/invocations", json={"prompt": "Hello there", "stream": True})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]
    *chunks, final = events
    assert "".join(chunks) == "You said: Hello there"
    assert final["done"] is True
    assert final["reply"]["text"] == "You said: Hello there"


@pytest.mark.parametrize("body", [{"text": "no prompt"}, {"prompt": "   "}, {"prompt": "hi", "extra": 1}])
def test_invalid_request_is_a_400(client: TestClient, body: dict[str, object]) -> None:
    response = client.post("/invocations", json=body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


def test_invalid_json_is_a_400(client: TestClient) -> None:
    response = client.post("/invocations", content=b"{not json", headers={"content-type": "application/json"})

    assert response.status_code == 400
