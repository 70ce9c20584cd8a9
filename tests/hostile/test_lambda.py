"""Hostile input against the Lambda handler with the real event shapes (REST v1, HTTP API v2, Function URL;
``tests/events``), issue 11 items 1-6 and 8. Events go through ``json.loads`` of their serialised form, as
the Lambda runtime delivers them, so a ``\\ud800`` escape in the event itself arrives as the runtime would
hand it over. (Item 7 is about uvicorn's access log: Lambda has no server of ours; item 3's event-loop half
is the HTTP servers'; here a fetch simply blocks the one event being handled.)
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from agent_scaffold_runtime import sse
from agent_scaffold_runtime.lambda_adapter import DirectInvocationError, LambdaHandler, create_handler
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.protocol import SESSION_HEADER

from tests.auth.stub_issuer import StubIssuer, standard_stub

from .conftest import ErrorRecords
from .payloads import (
    BAD_SESSION_HEADERS,
    HOSTILE_BODIES,
    STRING_DATES,
    assert_json_error,
    good_token,
    jwt_defaults,
    session_header_absent,
)

EVENTS = Path(__file__).parent.parent / "events"
EVENT_FILES = ["apigw_rest_v1.json", "apigw_http_v2.json", "function_url.json"]
CORE = AgentRef("tests.support.demo_core")


def delivered(event: dict[str, Any]) -> dict[str, Any]:
    """The event as the Lambda runtime hands it to the handler: parsed from its JSON text."""
    parsed: dict[str, Any] = json.loads(json.dumps(event))
    return parsed


def event_with(name: str, body: bytes, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """``name``'s event carrying ``body``: text when it is UTF-8, else base64 (as API Gateway does)."""
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    try:
        event["body"], event["isBase64Encoded"] = body.decode("utf-8"), False
    except UnicodeDecodeError:
        event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    event["headers"] = {**event["headers"], **(headers or {})}
    if "multiValueHeaders" in event:
        event["multiValueHeaders"] = {
            **event["multiValueHeaders"],
            **{name: [value] for name, value in (headers or {}).items()},
        }
    return delivered(event)


def error_of(response: dict[str, Any], status: int, code: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(response["body"])
    assert_json_error(response["statusCode"], body, status, code)
    return body


@pytest.fixture(scope="module")
def open_handler() -> LambdaHandler:
    return create_handler(CORE)


@pytest.fixture(scope="module")
def module_stub(keys: dict[str, Any]) -> Iterator[StubIssuer]:
    with standard_stub(keys) as issuer:
        yield issuer


@pytest.fixture(scope="module")
def jwt_handler(module_stub: StubIssuer) -> LambdaHandler:
    return create_handler(CORE, defaults=jwt_defaults(module_stub))


# -- 1 and 2 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
@pytest.mark.parametrize("event_file", EVENT_FILES)
def test_hostile_body_is_a_400_json_error(
    open_handler: LambdaHandler, logged_errors: ErrorRecords, event_file: str, name: str
) -> None:
    body, code = HOSTILE_BODIES[name]
    response = open_handler(event_with(event_file, body), None)
    error_of(response, 400, code)
    assert session_header_absent(response["headers"])
    assert logged_errors.described() == []


@pytest.mark.parametrize("event_file", EVENT_FILES)
def test_a_lone_surrogate_in_the_event_text_is_a_400(open_handler: LambdaHandler, event_file: str) -> None:
    event = event_with(event_file, b'{"prompt": "hi"}')
    event["body"] = '{"prompt": "\ud800"}'  # what json.loads makes of "\\ud800" in the event's own JSON
    error_of(open_handler(event, None), 400, "invalid_json")


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
@pytest.mark.parametrize("event_file", EVENT_FILES)
def test_without_a_token_hostile_body_is_401_before_parsing(
    jwt_handler: LambdaHandler, event_file: str, name: str
) -> None:
    response = jwt_handler(event_with(event_file, HOSTILE_BODIES[name][0]), None)
    error_of(response, 401, "unauthorized")
    assert response["headers"]["www-authenticate"].startswith("Bearer")


def test_without_a_token_a_broken_base64_body_is_401_first(jwt_handler: LambdaHandler) -> None:
    event = event_with("function_url.json", b'{"prompt": "hi"}')
    event.update(body="%%% not base64 %%%", isBase64Encoded=True)
    error_of(jwt_handler(event, None), 401, "unauthorized")


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_with_a_valid_token_hostile_body_is_still_400(
    jwt_handler: LambdaHandler, keys: dict[str, Any], name: str
) -> None:
    body, code = HOSTILE_BODIES[name]
    headers = {"Authorization": f"Bearer {good_token(keys)}"}
    error_of(jwt_handler(event_with("apigw_http_v2.json", body, headers), None), 400, code)


def test_a_direct_invoke_with_a_lone_surrogate_is_a_clear_function_error(open_handler: LambdaHandler) -> None:
    with pytest.raises(DirectInvocationError, match="400 invalid_request"):
        open_handler({"prompt": "\udfff"}, None)


@pytest.mark.parametrize("value", [*BAD_SESSION_HEADERS, "abc\n", "abc\r\nx-injected: 1"])
@pytest.mark.parametrize("event_file", EVENT_FILES)
def test_an_invalid_session_header_is_refused_and_never_echoed(
    open_handler: LambdaHandler, event_file: str, value: str
) -> None:
    response = open_handler(event_with(event_file, b'{"prompt": "hi"}', {SESSION_HEADER: value}), None)
    error_of(response, 400, "invalid_request")
    assert session_header_absent(response["headers"])
    assert all("\n" not in str(header) for header in response["headers"].values())


# -- 4, 5 ------------------------------------------------------------------------------------------------


def test_a_redirect_to_a_plain_http_host_is_not_followed(stub: StubIssuer, keys: dict[str, Any]) -> None:
    elsewhere = standard_stub(keys, host="127.0.0.2")
    try:
        stub.jwks_uri = f"{stub.base_url}/moved"
        stub.redirects["/moved"] = f"{elsewhere.base_url}/jwks.json"
        handler = create_handler(CORE, defaults=jwt_defaults(stub))
        headers = {"Authorization": f"Bearer {good_token(keys)}"}
        error_of(
            handler(event_with("function_url.json", b'{"prompt": "hi"}', headers), None),
            503,
            "auth_unavailable",
        )
        assert stub.hits["/moved"] == 1 and elsewhere.jwks_fetches == 0
    finally:
        elsewhere.close()


@pytest.mark.parametrize("name", sorted(STRING_DATES))
def test_a_date_claim_that_is_not_a_number_is_refused(
    jwt_handler: LambdaHandler, keys: dict[str, Any], name: str
) -> None:
    headers = {"Authorization": f"Bearer {good_token(keys, **STRING_DATES[name])}"}
    body = error_of(
        jwt_handler(event_with("apigw_rest_v1.json", b'{"prompt": "hi"}', headers), None), 401, "unauthorized"
    )
    assert body["error"] == "The token has a malformed claim."


# -- 6: exactly one Authorization header, in each shape's own way of carrying two -----------------------


def two_authorization_headers(event_file: str, first: str, second: str) -> dict[str, Any]:
    event = event_with(event_file, b'{"prompt": "hi"}')
    if event_file == "apigw_rest_v1.json":  # the last value in headers, all of them in multiValueHeaders
        event["headers"]["Authorization"] = second
        event["multiValueHeaders"]["Authorization"] = [first, second]
    else:  # payload v2 and Function URLs join repeated headers with commas
        event["headers"]["authorization"] = f"{first},{second}"
    return event


@pytest.mark.parametrize("junk_first", [True, False], ids=["valid-last", "valid-first"])
@pytest.mark.parametrize("event_file", EVENT_FILES)
def test_two_authorization_headers_are_refused(
    jwt_handler: LambdaHandler, keys: dict[str, Any], event_file: str, junk_first: bool
) -> None:
    valid, junk = f"Bearer {good_token(keys)}", "Bearer junk.junk.junk"
    pair = (junk, valid) if junk_first else (valid, junk)
    body = error_of(jwt_handler(two_authorization_headers(event_file, *pair), None), 401, "unauthorized")
    assert body["error"] == "Send exactly one Authorization header with one Bearer token."


@pytest.mark.parametrize("event_file", EVENT_FILES)
def test_the_same_valid_token_twice_is_refused_too(
    jwt_handler: LambdaHandler, keys: dict[str, Any], event_file: str
) -> None:
    valid = f"Bearer {good_token(keys)}"
    error_of(jwt_handler(two_authorization_headers(event_file, valid, valid), None), 401, "unauthorized")


@pytest.mark.parametrize("event_file", EVENT_FILES)
def test_one_valid_authorization_header_is_accepted(
    jwt_handler: LambdaHandler, keys: dict[str, Any], event_file: str
) -> None:
    headers = {"Authorization": f"Bearer {good_token(keys)}"}
    response = jwt_handler(event_with(event_file, b'{"prompt": "whoami"}', headers), None)
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["text"].startswith("user=5f2a1c3e-")


# -- 8 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event_file", EVENT_FILES)
def test_ping_follows_the_runtime_contract(open_handler: LambdaHandler, event_file: str) -> None:
    event = copy.deepcopy(event_with(event_file, b""))
    if event.get("version") == "2.0":
        event["rawPath"] = "/ping"
        event["requestContext"]["http"].update(method="GET", path="/ping")
    else:
        event.update(httpMethod="GET", path="/ping")
    body = json.loads(open_handler(event, None)["body"])
    assert body["status"] == "Healthy" and isinstance(body["time_of_last_update"], int)


@pytest.mark.parametrize("how", ["body", "accept"])
@pytest.mark.parametrize("event_file", EVENT_FILES)
def test_buffered_sse_carries_the_session_header(
    open_handler: LambdaHandler, event_file: str, how: str
) -> None:
    if how == "body":
        event = event_with(event_file, b'{"prompt": "hello", "stream": true}')
    else:
        event = event_with(event_file, b'{"prompt": "hello"}', {"Accept": sse.MEDIA_TYPE})
    response = open_handler(event, None)
    assert response["statusCode"] == 200
    assert response["headers"]["content-type"] == sse.MEDIA_TYPE
    events = sse.decode_lines(response["body"].splitlines())
    done = [item for item in events if isinstance(item, dict) and item.get("done")]
    assert response["headers"][SESSION_HEADER] == done[0]["reply"]["session_id"]
