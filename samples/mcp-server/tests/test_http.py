"""The MCP server over a real socket (uvicorn on 127.0.0.1), used by a Strands agent through ``MCPClient``.

The agent is what the travel assistant does with ``TRAVEL_TOOLS_URL``: a Strands ``Agent`` whose tools come
from the runtime's ``auth.mcp_client(url, token)``, which sends ``Authorization: Bearer <token>``. The
offline model plays the tool calls a real model would choose for "Book me a flight to NYC next Monday".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from agent_scaffold_runtime.auth import McpAuthRejected, mcp_client
from agent_scaffold_runtime.offline_model import OfflineModel
from agent_scaffold_runtime.testing import serving
from agent_scaffold_runtime.testing_oidc import LocalIssuer
from starlette.applications import Starlette
from strands import Agent

from tests.support import NEXT_MONDAY, initialize, stored

# Strands' MCPClient.start() calls stop() after a failed connection, and stop() schedules a coroutine on the
# background loop that has already closed (plain Strands does the same); the warning is that, nothing of ours.
pytestmark = pytest.mark.filterwarnings("ignore:coroutine 'MCPClient.stop.<locals>._set_close_event'")

BOOK_NYC = [
    {"tool": "get_flights", "input": {"destination": "NYC", "date": "next Monday"}},
    {"tool": "book_travel", "input": {"option_id": "FL-101", "date": "next Monday"}},
]


@pytest.fixture
def url(mcp_app: Callable[[], Starlette]) -> Iterator[str]:
    with serving(mcp_app()) as base:
        yield f"{base}/mcp"


def ask(url: str, token: str, prompt: str, script: list[dict[str, Any]]) -> str:
    """One turn of a Strands agent whose tools are the MCP server's, called with ``token``."""
    agent = Agent(model=OfflineModel(script=script), tools=[mcp_client(url, token)], callback_handler=None)
    try:
        return str(agent(prompt)).strip()
    finally:
        agent.cleanup()


def test_an_agent_books_through_the_mcp_server_for_the_token_user(
    issuer: LocalIssuer, url: str, server_env: Path
) -> None:
    alice, bob = issuer.token(sub="alice"), issuer.token(sub="bob")

    booked = ask(url, alice, "Book me a flight to NYC next Monday", BOOK_NYC)
    bobs = ask(url, bob, "What have I booked?", [{"tool": "list_bookings", "input": {}}])
    alices = ask(url, alice, "What have I booked?", [{"tool": "list_bookings", "input": {}}])

    assert booked.startswith("The book_travel tool returned: Booked flight FL-101 (Cascade Air SEA-JFK")
    assert f"on Monday {NEXT_MONDAY.isoformat()} for alice: confirmation ACME-" in booked
    assert bobs == "The list_bookings tool returned: bob has no bookings."
    assert alices.startswith("The list_bookings tool returned: Bookings of alice (1):")
    assert [b["traveller"] for b in stored(server_env)] == ["alice"]


def test_the_agent_sees_the_servers_tools(issuer: LocalIssuer, url: str) -> None:
    with mcp_client(url, issuer.token()) as client:
        names = [tool.tool_name for tool in client.list_tools_sync()]

    assert names == ["get_policies", "get_flights", "get_hotels", "get_cars", "book_travel", "list_bookings"]


@pytest.mark.parametrize("bad", ["expired", "another client", "not a jwt"])
def test_a_bad_token_is_refused(bad: str, issuer: LocalIssuer, url: str, server_env: Path) -> None:
    token = {
        "expired": issuer.token(sub="alice", expires_in=-3600),
        "another client": issuer.token(sub="alice", client_id="some-other-app"),
        "not a jwt": "definitely-not-a-jwt",
    }[bad]

    with pytest.raises(McpAuthRejected) as refused:
        mcp_client(url, token, startup_timeout=10).start()

    assert refused.value.status == 401
    assert token not in str(refused.value)
    assert stored(server_env) == []


def test_plain_http_without_a_token_gets_a_bearer_challenge(url: str) -> None:
    response = httpx.post(
        url, json=initialize(), headers={"accept": "application/json, text/event-stream"}, timeout=10
    )

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert httpx.get(url.removesuffix("/mcp") + "/ping", timeout=10).json() == {"status": "Healthy"}
