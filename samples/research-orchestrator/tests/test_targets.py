"""The HTTP targets in one table: the AgentCore app and the FastAPI app through Starlette's test client, the
Lambda handler with API Gateway HTTP API (payload 2.0) events, as a function URL sends too (in process, no
network, offline model). The same request gets the same answer from each; what differs between them (how a
session id or a stream is asked for, FastAPI's OpenAPI document) is in the table or in a test of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from agent_scaffold_runtime.testing import lambda_context
from starlette.testclient import TestClient

TARGETS = ["agentcore", "fastapi", "lambda"]
SESSION_HEADER = "x-amzn-bedrock-agentcore-runtime-session-id"
SESSION_ID = "test-session-0123456789-0123456789-0123456789"
TOOL_PROMPT = "research_specialist: Lisbon"
TOOL_ANSWER = "The research_specialist tool returned: You said: Lisbon"
#: How each target is asked for a session (body fields, headers): AgentCore Runtime sends it as a header.
ASK_SESSION: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "agentcore": ({}, {SESSION_HEADER: SESSION_ID}),
    "fastapi": ({"session_id": SESSION_ID}, {}),
    "lambda": ({"session_id": SESSION_ID}, {}),
}
#: How each target is asked for a stream (body fields, headers).
ASK_STREAM: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "agentcore": ({"stream": True}, {}),
    "fastapi": ({}, {"accept": "text/event-stream"}),
    "lambda": ({"stream": True}, {}),
}


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]  # lower-case names
    text: str

    def json(self) -> Any:
        return json.loads(self.text)

    def events(self) -> list[Any]:
        """The ``data:`` lines of a Server-Sent Events body, decoded."""
        return [json.loads(line[5:]) for line in self.text.splitlines() if line.startswith("data:")]


@dataclass(frozen=True)
class Endpoint:
    """One target's entrypoint module (imported afresh with the test's environment), spoken to as HTTP."""

    target: str
    module: ModuleType

    def post(self, body: object, headers: Mapping[str, str] | None = None) -> Reply:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.request(
            "POST", "/invocations", data, {"content-type": "application/json", **(headers or {})}
        )

    def get(self, path: str) -> Reply:
        return self.request("GET", path, b"", {})

    def request(self, method: str, path: str, data: bytes, headers: Mapping[str, str]) -> Reply:
        if self.target == "lambda":
            event = {
                "version": "2.0",
                "rawPath": path,
                "requestContext": {"http": {"method": method, "path": path}},
                "headers": dict(headers),
                "body": data.decode(),
                "isBase64Encoded": False,
            }
            result = self.module.handler(event, lambda_context("research-orchestrator"))
            lowered = {name.lower(): value for name, value in result.get("headers", {}).items()}
            return Reply(result["statusCode"], lowered, result["body"])
        with TestClient(self.module.app) as client:
            response = client.request(method, path, content=data, headers=dict(headers))
        return Reply(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.text)


@pytest.fixture(params=TARGETS)
def endpoint(request: pytest.FixtureRequest, entrypoint: Callable[[str], ModuleType]) -> Endpoint:
    return Endpoint(request.param, entrypoint(request.param))


def test_ping(endpoint: Endpoint) -> None:
    response = endpoint.get("/ping")

    assert response.status == 200
    assert response.json()["status"] == "Healthy"


def test_invocation_returns_the_reply(endpoint: Endpoint) -> None:
    response = endpoint.post({"prompt": "Hello"})

    assert response.status == 200
    body = response.json()
    assert body["text"] == "You said: Hello"
    assert body["usage"]["total_tokens"] > 0
    assert response.headers[SESSION_HEADER] == body["session_id"]


def test_invocation_calls_tools(endpoint: Endpoint) -> None:
    response = endpoint.post({"prompt": TOOL_PROMPT})

    assert response.status == 200
    body = response.json()
    assert body["text"] == TOOL_ANSWER
    assert body["metrics"]["tool_calls"] == {"research_specialist": 1}


def test_the_session_asked_for_is_kept(endpoint: Endpoint) -> None:
    fields, headers = ASK_SESSION[endpoint.target]
    response = endpoint.post({"prompt": "Hello", **fields}, headers)

    assert response.status == 200
    assert response.json()["session_id"] == SESSION_ID
    assert response.headers[SESSION_HEADER] == SESSION_ID


def test_streamed_invocation(endpoint: Endpoint) -> None:
    fields, headers = ASK_STREAM[endpoint.target]
    response = endpoint.post({"prompt": "Hello there", **fields}, headers)

    assert response.status == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    *chunks, final = response.events()
    assert "".join(chunks) == "You said: Hello there"
    assert final["done"] is True
    assert final["reply"]["text"] == "You said: Hello there"


@pytest.mark.parametrize("body", [{"text": "no prompt"}, {"prompt": "   "}, {"prompt": "hi", "extra": 1}])
def test_invalid_request_is_a_400(endpoint: Endpoint, body: dict[str, object]) -> None:
    response = endpoint.post(body)

    assert response.status == 400
    assert response.json()["code"] == "invalid_request"


def test_invalid_json_is_a_400(endpoint: Endpoint) -> None:
    response = endpoint.post(b"{not json")

    assert response.status == 400
    assert response.json()["code"] == "invalid_json"


def test_unknown_path_is_a_404(endpoint: Endpoint) -> None:
    response = endpoint.request("POST", "/nope", b'{"prompt":"hi"}', {"content-type": "application/json"})

    assert response.status == 404


def test_fastapi_publishes_its_openapi_document(entrypoint: Callable[[str], ModuleType]) -> None:
    assert "/invocations" in Endpoint("fastapi", entrypoint("fastapi")).get("/openapi.json").json()["paths"]
