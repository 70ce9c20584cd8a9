"""The FastAPI entrypoint, served in-process by FastAPI's test client (no network, offline model)."""

import json
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"


@pytest.fixture
def client(entrypoint: Callable[[str], ModuleType]) -> Iterator[TestClient]:
    """The FastAPI app (``entrypoints/http_app.py``), created with the test's environment."""
    with TestClient(entrypoint("fastapi").app) as client:
        yield client


def test_ping(client: TestClient) -> None:
    response = client.get("/ping")

    assert response.status_code == 200
    assert response.json()["status"] == "Healthy"


def test_invocation_returns_the_reply(client: TestClient) -> None:
    response = client.post("/invocations", json={"prompt": "Hello", "session_id": "my-session-1"})

    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "You said: Hello"
    assert body["session_id"] == "my-session-1"
    assert response.headers[SESSION_HEADER] == "my-session-1"


def test_invocation_calls_tools(client: TestClient) -> None:
    response = client.post("/invocations", json={"prompt": "research_specialist: Lisbon"})

    assert response.status_code == 200
    assert response.json()["text"] == "The research_specialist tool returned: You said: Lisbon"


def test_streamed_invocation(client: TestClient) -> None:
    response = client.post(
        "/invocations", json={"prompt": "Hello there"}, headers={"accept": "text/event-stream"}
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]
    *chunks, final = events
    assert "".join(chunks) == "You said: Hello there"
    assert final["done"] is True
    assert final["reply"]["text"] == "You said: Hello there"


def test_invalid_request_is_a_400(client: TestClient) -> None:
    response = client.post("/invocations", json={"text": "no prompt"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


def test_invalid_json_is_a_400(client: TestClient) -> None:
    response = client.post("/invocations", content=b"{not json", headers={"content-type": "application/json"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_openapi_document(client: TestClient) -> None:
    assert "/invocations" in client.get("/openapi.json").json()["paths"]
