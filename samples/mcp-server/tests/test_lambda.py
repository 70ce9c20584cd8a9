"""The MCP server in process, as Lambda runs it: Function URL events through ``entrypoints.lambda_handler``.

Each test sends the JSON-RPC bodies an MCP client sends (``initialize``, ``tools/list``, ``tools/call``) in
Function URL events, with tokens from the local issuer, and reads the Lambda responses.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from agent_scaffold_runtime.testing_oidc import LocalIssuer, new_key

from mcp_server.asgi_lambda import AsgiLambdaHandler
from tests.support import (
    FUNCTION_URL_HOST,
    NEXT_MONDAY,
    call_tool,
    function_url_event,
    initialize,
    rpc,
    stored,
    tool_text,
)

RESOURCE_URL = f"https://{FUNCTION_URL_HOST}/mcp"
TOOLS = ["get_policies", "get_flights", "get_hotels", "get_cars", "book_travel", "list_bookings"]
BOOK_FL_101 = call_tool("book_travel", {"option_id": "FL-101", "date": "next Monday"})


@pytest.fixture(autouse=True)
def deployed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The function's public URL, as the deployment sets it."""
    monkeypatch.setenv("MCP_RESOURCE_URL", RESOURCE_URL)


@pytest.fixture
def handler(lambda_handler: Callable[[], AsgiLambdaHandler]) -> AsgiLambdaHandler:
    return lambda_handler()


def test_the_entrypoint_is_the_bridge_and_imports_without_the_sdk() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import mcp_server.entrypoints.lambda_handler as m; "
        "print(type(m.handler).__name__, [n for n in ('mcp', 'starlette', 'jwt') if n in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    ).stdout
    assert out.strip() == "AsgiLambdaHandler []"  # the app, and the mcp SDK, come with the first event
    assert isinstance(
        importlib.import_module("mcp_server.entrypoints.lambda_handler").handler, AsgiLambdaHandler
    )


def test_ping_needs_no_token(handler: AsgiLambdaHandler) -> None:
    response = handler(function_url_event(method="GET", path="/ping"), None)

    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "Healthy"}


def test_initialize_and_list_the_tools(issuer: LocalIssuer, handler: AsgiLambdaHandler) -> None:
    token = issuer.token(sub="alice")

    initialized = handler(function_url_event(initialize(), token=token), None)
    listed = handler(function_url_event(rpc("tools/list", request_id=2), token=token), None)

    assert initialized["statusCode"] == 200
    assert initialized["headers"]["content-type"] == "application/json"
    assert json.loads(initialized["body"])["result"]["serverInfo"]["name"] == "travel-tools"
    tools = json.loads(listed["body"])["result"]["tools"]
    assert [tool["name"] for tool in tools] == TOOLS
    book = next(tool for tool in tools if tool["name"] == "book_travel")
    assert set(book["inputSchema"]["properties"]) == {"option_id", "date", "nights_or_days"}  # no user


def test_bookings_belong_to_the_token_subject(
    issuer: LocalIssuer, handler: AsgiLambdaHandler, server_env: Path
) -> None:
    alice, bob = issuer.token(sub="alice"), issuer.token(sub="bob")

    booked = tool_text(handler(function_url_event(BOOK_FL_101, token=alice), None))
    bobs = tool_text(handler(function_url_event(call_tool("list_bookings", {}), token=bob), None))
    alices = tool_text(handler(function_url_event(call_tool("list_bookings", {}), token=alice), None))

    assert booked.startswith(
        "Booked flight FL-101 (Cascade Air SEA-JFK departing 07:05, 5.5 h, economy) on Monday"
    )
    assert f"{NEXT_MONDAY.isoformat()} for alice: confirmation ACME-" in booked
    assert bobs == "bob has no bookings."
    assert alices.startswith("Bookings of alice (1):\n- ACME-")
    assert [(b["traveller"], b["option_id"], b["date"]) for b in stored(server_env)] == [
        ("alice", "FL-101", NEXT_MONDAY.isoformat())
    ]


def test_the_policy_is_enforced_by_the_tool(
    issuer: LocalIssuer, handler: AsgiLambdaHandler, server_env: Path
) -> None:
    business = call_tool("book_travel", {"option_id": "FL-102", "date": "next Monday"})

    text = tool_text(handler(function_url_event(business, token=issuer.token(sub="alice")), None))

    assert text.startswith(
        "Refused: FL-102 on Monday 2026-06-08 is outside the Acme Corporation travel policy"
    )
    assert stored(server_env) == []


@pytest.mark.parametrize(
    "bad",
    ["missing", "garbage", "expired", "another client", "another key", "id token"],
)
def test_a_bad_token_is_refused_before_any_tool_runs(
    bad: str, issuer: LocalIssuer, handler: AsgiLambdaHandler, server_env: Path
) -> None:
    token = {
        "missing": None,
        "garbage": "not-a-jwt",
        "expired": issuer.token(sub="alice", expires_in=-3600),
        "another client": issuer.token(sub="alice", client_id="some-other-app"),
        "another key": dataclasses.replace(issuer, key=new_key()).token(sub="alice"),
        "id token": issuer.token(sub="alice", token_use="id"),
    }[bad]

    response = handler(function_url_event(BOOK_FL_101, token=token), None)

    assert response["statusCode"] == 401
    challenge = response["headers"]["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert (
        f'resource_metadata="https://{FUNCTION_URL_HOST}/.well-known/oauth-protected-resource/mcp"'
        in challenge
    )
    if token:
        assert token not in json.dumps(response)
    assert stored(server_env) == []


def test_the_protected_resource_metadata_names_the_issuer(
    issuer: LocalIssuer, handler: AsgiLambdaHandler
) -> None:
    response = handler(
        function_url_event(method="GET", path="/.well-known/oauth-protected-resource/mcp"), None
    )

    assert response["statusCode"] == 200
    metadata = json.loads(response["body"])
    assert metadata["resource"] == RESOURCE_URL
    assert metadata["authorization_servers"] == [issuer.url]


def test_a_request_for_another_host_is_refused(issuer: LocalIssuer, handler: AsgiLambdaHandler) -> None:
    event = function_url_event(initialize(), token=issuer.token(sub="alice"), host="attacker.example.com")

    response = handler(event, None)

    assert response["statusCode"] == 421
    assert response["body"] == "Invalid Host header"


def test_an_http_api_event_with_a_base64_body(issuer: LocalIssuer, handler: AsgiLambdaHandler) -> None:
    event = function_url_event(call_tool("get_cars", {"city": "CHI"}), token=issuer.token(), base64_body=True)

    assert tool_text(handler(event, None)).startswith("Rental cars in Chicago (CHI):")


def test_a_warm_environment_answers_many_requests(issuer: LocalIssuer, handler: AsgiLambdaHandler) -> None:
    token = issuer.token()
    texts = [
        tool_text(handler(function_url_event(call_tool("get_policies", {}), token=token), None))
        for _ in "abc"
    ]

    assert len(set(texts)) == 1 and texts[0].startswith("Acme Corporation travel policy")


def test_an_event_that_is_not_http_is_an_error(handler: AsgiLambdaHandler) -> None:
    with pytest.raises(ValueError, match="HTTP events"):
        handler({"prompt": "hello"}, None)


def test_without_auth_everyone_is_anonymous_and_cannot_book(
    monkeypatch: pytest.MonkeyPatch, handler: AsgiLambdaHandler, server_env: Path
) -> None:
    monkeypatch.setenv("AGENT_AUTH", "none")

    text = tool_text(handler(function_url_event(BOOK_FL_101), None))

    assert text.startswith("Error: sign in to book or list travel")
    assert stored(server_env) == []


def test_an_unreachable_issuer_fails_closed_with_a_503(
    issuer: LocalIssuer, monkeypatch: pytest.MonkeyPatch, handler: AsgiLambdaHandler, server_env: Path
) -> None:
    import socket

    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("AGENT_JWT_DISCOVERY_URL", f"http://127.0.0.1:{port}/.well-known/openid-configuration")

    response = handler(function_url_event(BOOK_FL_101, token=issuer.token(sub="alice")), None)

    assert response["statusCode"] == 503
    assert json.loads(response["body"])["code"] == "auth_unavailable"
    assert stored(server_env) == []
