"""The Lambda handler with event payloads shaped like the real ones (REST v1, HTTP API v2, Function URL)."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from agent_scaffold_runtime import sse
from agent_scaffold_runtime.lambda_adapter import DirectInvocationError, create_handler
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.protocol import SESSION_HEADER, Limits

from tests.support.processes import fresh_python

EVENTS = Path(__file__).parent.parent / "events"
EVENT_FILES = ["apigw_rest_v1.json", "apigw_http_v2.json", "function_url.json"]

handler = create_handler(
    AgentRef("tests.support.demo_core"), limits=Limits(max_prompt_chars=1000, max_body_bytes=4096)
)


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


def with_body(event: dict[str, Any], body: bytes | str, *, b64: bool = False) -> dict[str, Any]:
    event = copy.deepcopy(event)
    raw = body.encode() if isinstance(body, str) else body
    event["body"] = base64.b64encode(raw).decode() if b64 else raw.decode("utf-8", errors="surrogateescape")
    event["isBase64Encoded"] = b64
    return event


def with_method_and_path(event: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    event = copy.deepcopy(event)
    if event.get("version") == "2.0":
        event["rawPath"] = path
        event["requestContext"]["http"].update(method=method, path=path)
    else:
        event["httpMethod"] = method
        event["path"] = path
    return event


@pytest.mark.parametrize("name", EVENT_FILES)
def test_real_event_shapes_get_the_agent_reply(name: str) -> None:
    response = handler(load_event(name), None)
    assert response["statusCode"] == 200
    assert response["headers"]["content-type"] == "application/json"
    body = json.loads(response["body"])
    assert body["text"] == "The calculator tool returned: 42"
    assert response["headers"][SESSION_HEADER] == body["session_id"]


@pytest.mark.parametrize("name", EVENT_FILES)
def test_base64_bodies_are_decoded(name: str) -> None:
    event = with_body(load_event(name), json.dumps({"prompt": "hello lambda"}), b64=True)
    assert json.loads(handler(event, None)["body"])["text"] == "You said: hello lambda"


@pytest.mark.parametrize("name", EVENT_FILES)
def test_ping(name: str) -> None:
    response = handler(with_method_and_path(load_event(name), "GET", "/ping"), None)
    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["status"] == "Healthy"
    assert isinstance(body["time_of_last_update"], int)


def test_stage_prefixed_paths_route_to_invocations() -> None:
    event = with_method_and_path(load_event("apigw_http_v2.json"), "POST", "/prod/invocations")
    assert handler(event, None)["statusCode"] == 200


@pytest.mark.parametrize(
    ("body", "b64", "status", "code"),
    [
        pytest.param("{oops", False, 400, "invalid_json", id="invalid-json"),
        pytest.param("", False, 400, "invalid_json", id="empty-body"),
        pytest.param("not base64!!", True, 400, "invalid_request", id="bad-base64-flagged"),
        pytest.param('{"prompt": ""}', False, 400, "invalid_request", id="empty-prompt"),
        pytest.param('{"prompt": 1}', False, 400, "invalid_request", id="prompt-number"),
        pytest.param('{"prompt": "hi", "extra": true}', False, 400, "invalid_request", id="unknown-field"),
        pytest.param(
            json.dumps({"prompt": "x" * 1001}), False, 413, "payload_too_large", id="prompt-too-long"
        ),
        pytest.param(json.dumps({"prompt": "x" * 5000}), True, 413, "payload_too_large", id="body-too-large"),
    ],
)
@pytest.mark.parametrize("name", EVENT_FILES)
def test_bad_requests_get_4xx_json(name: str, body: str, b64: bool, status: int, code: str) -> None:
    event = with_body(load_event(name), body, b64=False) if not b64 else copy.deepcopy(load_event(name))
    if b64:
        event["isBase64Encoded"] = True
        event["body"] = body if body == "not base64!!" else base64.b64encode(body.encode()).decode()
    response = handler(event, None)
    assert response["statusCode"] == status
    assert json.loads(response["body"])["code"] == code


@pytest.mark.parametrize("name", EVENT_FILES)
def test_unknown_path_is_404_and_wrong_method_is_405(name: str) -> None:
    missing = handler(with_method_and_path(load_event(name), "POST", "/nope"), None)
    assert missing["statusCode"] == 404
    assert json.loads(missing["body"])["code"] == "not_found"
    wrong = handler(with_method_and_path(load_event(name), "GET", "/invocations"), None)
    assert wrong["statusCode"] == 405
    assert wrong["headers"]["allow"] == "POST"


def test_agent_failure_is_a_500() -> None:
    response = handler(with_body(load_event("function_url.json"), '{"prompt": "fail-before"}'), None)
    assert response["statusCode"] == 500
    assert json.loads(response["body"]) == {
        "error": "The agent failed (AgentFailure).",
        "code": "agent_error",
    }


def test_stream_request_gets_the_same_sse_events_buffered() -> None:
    event = with_body(load_event("function_url.json"), '{"prompt": "hello there", "stream": true}')
    response = handler(event, None)
    assert response["statusCode"] == 200
    assert response["headers"]["content-type"] == "text/event-stream"
    events = sse.decode_lines(response["body"].splitlines())
    assert events[:-1] == ["You ", "said: ", "hello ", "there"]
    assert events[-1]["done"] is True and events[-1]["reply"]["text"] == "You said: hello there"


def test_direct_invocation_returns_the_reply_or_raises() -> None:
    assert handler({"prompt": "hello direct", "session_id": "direct-1"}, None)["session_id"] == "direct-1"
    with pytest.raises(DirectInvocationError, match="400 invalid_request"):
        handler({"prompt": 5}, None)


def test_handler_module_does_not_import_the_agent_until_the_first_request() -> None:
    code = (
        "import sys; from agent_scaffold_runtime.lambda_adapter import create_handler;"
        "from agent_scaffold_runtime.loader import AgentRef;"
        "h = create_handler(AgentRef('tests.support.demo_core'));"
        "print('strands' in sys.modules, 'boto3' in sys.modules);"
        "h({'prompt': 'hi'}, None); print('strands' in sys.modules)"
    )
    assert fresh_python(code).split() == ["False", "False", "True"]
