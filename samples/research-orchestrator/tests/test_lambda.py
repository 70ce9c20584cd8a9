"""The Lambda handler, called directly with API Gateway HTTP API (payload 2.0) events (offline model)."""

import json
from collections.abc import Callable
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

CONTEXT = SimpleNamespace(
    function_name="research-orchestrator",
    aws_request_id="test-request",
    get_remaining_time_in_millis=lambda: 30_000,
)
Handler = Callable[[dict[str, Any], Any], Any]


@pytest.fixture
def handler(entrypoint: Callable[[str], ModuleType]) -> Handler:
    """The Lambda handler (``entrypoints/lambda_handler.py``), created with the test's environment."""
    created: Handler = entrypoint("lambda").handler
    return created


def http_event(body: str, *, method: str = "POST", path: str = "/invocations") -> dict[str, Any]:
    """A minimal API Gateway HTTP API (payload 2.0) event, as a function URL sends too."""
    http = {"method": method, "path": path}
    return {
        "version": "2.0",
        "rawPath": path,
        "requestContext": {"http": http},
        "headers": {"content-type": "application/json"},
        "body": body,
        "isBase64Encoded": False,
    }


def test_invocation_returns_the_reply(handler: Handler) -> None:
    response = handler(http_event('{"prompt":"hi"}'), CONTEXT)

    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["text"] == "You said: hi"
    assert body["usage"]["total_tokens"] > 0


def test_invocation_calls_tools(handler: Handler) -> None:
    response = handler(http_event(json.dumps({"prompt": "research_specialist: Lisbon"})), CONTEXT)

    assert response["statusCode"] == 200
    assert json.loads(response["body"])["text"] == "The research_specialist tool returned: You said: Lisbon"


def test_streamed_invocation_is_buffered_sse(handler: Handler) -> None:
    response = handler(http_event(json.dumps({"prompt": "Hello there", "stream": True})), CONTEXT)

    assert response["statusCode"] == 200
    events = [json.loads(line[5:]) for line in response["body"].splitlines() if line.startswith("data:")]
    assert "".join(events[:-1]) == "You said: Hello there"
    assert events[-1]["reply"]["text"] == "You said: Hello there"


def test_ping(handler: Handler) -> None:
    response = handler(http_event("", method="GET", path="/ping"), CONTEXT)

    assert response["statusCode"] == 200


def test_invalid_request_is_a_400(handler: Handler) -> None:
    response = handler(http_event('{"text":"no prompt"}'), CONTEXT)

    assert response["statusCode"] == 400
    assert json.loads(response["body"])["code"] == "invalid_request"


def test_unknown_path_is_a_404(handler: Handler) -> None:
    response = handler(http_event('{"prompt":"hi"}', path="/nope"), CONTEXT)

    assert response["statusCode"] == 404
