"""The travel assistant using the MCP server sample's tools (``TRAVEL_TOOLS_URL``), end to end, over sockets.

Three processes and two stand-ins, all on 127.0.0.1:

* the travel assistant's FastAPI app under uvicorn, users signed in with JWTs (client ``travel-web``);
* the MCP server's app under uvicorn, accepting only tokens for its own client (``travel-tools-mcp``);
* a local OpenID issuer that signs both kinds of token;
* AgentCore Identity's data plane, faked (moto has none) by ``tests/auth/test_outbound.FakeIdentity``, which
  follows botocore's service model; here it signs the user tokens it hands out with the local issuer's key.

A request to the assistant is verified (Alice's token), the agent asks AgentCore Identity for a token for
Alice to the travel tools (``OutboundTokens``: ``GetWorkloadAccessTokenForUserId``, then
``GetResourceOauth2Token``, over SigV4-signed boto3 calls), ``mcp_client`` sends it as a bearer token, and
the MCP server books for that token's subject. So the user is the same at both ends, and only the agent
ever sees the user's own token.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from agent_scaffold_runtime.testing import serving
from agent_scaffold_runtime.testing_oidc import LocalIssuer, local_issuer
from starlette.responses import JSONResponse

from tests.auth.test_outbound import FakeIdentity
from tests.support.processes import run_ok

from .support import SAMPLES, Server, sample_env, sample_server

# Strands' MCPClient.start() leaves a coroutine behind after a refused connection (see tests/auth).
pytestmark = pytest.mark.filterwarnings("ignore:coroutine 'MCPClient.stop.<locals>._set_close_event'")

WEB_CLIENT = "travel-web"
TOOLS_CLIENT = "travel-tools-mcp"
WORKLOAD = "travel-assistant"
PROVIDER = "travel-tools"
TODAY = dt.date(2026, 6, 3)
BOOK_NYC = "Book me a flight to NYC next Monday"


class IssuingIdentity(FakeIdentity):
    """AgentCore Identity handing out real JWTs: signed by the local issuer, for the travel tools' client.

    ``wrong_client`` users get a token for another client, which the MCP server must refuse."""

    def __init__(self, issuer: LocalIssuer) -> None:
        super().__init__()
        self.issuer = issuer
        self.workloads = {WORKLOAD}
        self.providers = {PROVIDER}
        self.wrong_client: set[str] = set()

    def _GetResourceOauth2Token(self, body: dict[str, Any]) -> JSONResponse:
        user = self.wats.get(body["workloadIdentityToken"])
        if user is None or body["resourceCredentialProviderName"] not in self.providers:
            return self._error(401, "UnauthorizedException", "The workload access token is not valid.")
        client = "somebody-else" if user in self.wrong_client else TOOLS_CLIENT
        token = self.issuer.token(sub=user, client_id=client, scope="openid", expires_in=600)
        self.issued[token] = user
        return JSONResponse({"accessToken": token})


@dataclass
class Deployment:
    issuer: LocalIssuer
    identity: IssuingIdentity
    assistant: Server
    tools: Server
    bookings: Path  # the MCP server's
    local_bookings: Path  # the assistant's own, unused when the tools are remote

    def ask(self, user: str, prompt: str) -> httpx.Response:
        token = self.issuer.token(sub=user, client_id=WEB_CLIENT, scope="openid", expires_in=600)
        return httpx.post(
            f"{self.assistant.url}/invocations",
            json={"prompt": prompt},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )

    def stored(self) -> list[dict[str, Any]]:
        files = sorted(self.bookings.glob("*.json")) if self.bookings.exists() else []
        return [booking for path in files for booking in json.loads(path.read_text())["bookings"]]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    work = tmp_path_factory.mktemp("travel-over-mcp")
    jwt_settings = {"AGENT_AUTH": "jwt", "AGENT_JWT_ALLOWED_AUDIENCES": "", "AGENT_JWT_TOKEN_USE": "access"}
    with contextlib.ExitStack() as stack:
        issuer = stack.enter_context(local_issuer())
        identity = IssuingIdentity(issuer)
        identity_url = stack.enter_context(serving(identity.app))
        tools = stack.enter_context(
            sample_server(
                "mcp-server",
                "mcp_server.entrypoints.http_app:app",
                work,
                **jwt_settings,
                AGENT_JWT_DISCOVERY_URL=issuer.discovery_url,
                AGENT_JWT_ALLOWED_CLIENTS=TOOLS_CLIENT,
                TRAVEL_BOOKINGS_DIR=str(work / "mcp-bookings"),
                TRAVEL_TODAY=TODAY.isoformat(),
            )
        )
        assistant = stack.enter_context(
            sample_server(
                "travel-assistant",
                "travel_assistant.entrypoints.http_app:app",
                work,
                **jwt_settings,
                AGENT_JWT_DISCOVERY_URL=issuer.discovery_url,
                AGENT_JWT_ALLOWED_CLIENTS=WEB_CLIENT,
                AGENT_SESSION_DIR=str(work / "sessions"),
                TRAVEL_BOOKINGS_DIR=str(work / "local-bookings"),
                TRAVEL_TODAY=TODAY.isoformat(),
                TRAVEL_OFFLINE_SCRIPT=str(SAMPLES / "travel-assistant" / "scripts" / "offline.json"),
                TRAVEL_TOOLS_URL=f"{tools.url}/mcp",
                AGENT_OUTBOUND_PROVIDER=PROVIDER,
                AGENT_OUTBOUND_FLOW="USER_FEDERATION",
                AGENT_OUTBOUND_WORKLOAD_NAME=WORKLOAD,
                AGENT_AWS_ENDPOINT_URL=identity_url,
                AWS_REGION="us-east-1",
                AWS_ACCESS_KEY_ID="testing",
                AWS_SECRET_ACCESS_KEY="testing",
            )
        )
        yield Deployment(issuer, identity, assistant, tools, work / "mcp-bookings", work / "local-bookings")


def desk_says(work: Path, *booking: str) -> str:
    """What the travel desk library itself answers to ``book(*booking)``, run as the samples run it."""
    script = (
        "import datetime as dt, sys, travel_desk\n"
        "desk = travel_desk.TravelDesk(sys.argv[1], dt.date.fromisoformat(sys.argv[2]))\n"
        "print(desk.book('probe', *sys.argv[3:]))"
    )
    argv = [sys.executable, "-c", script, str(work / "desk"), TODAY.isoformat(), *booking]
    return run_ok(argv, cwd=work, env=sample_env()).stdout.strip()


def test_the_assistant_books_through_the_mcp_server_for_the_signed_in_user(
    deployment: Deployment, tmp_path: Path
) -> None:
    booked = deployment.ask("alice", BOOK_NYC)

    assert booked.status_code == 200, booked.text
    reply = booked.json()
    assert reply["metrics"]["tool_calls"] == {"get_flights": 1, "book_travel": 1}
    # the remote tools answer as the travel desk does (the confirmation is per owner, so it differs)
    expected = desk_says(tmp_path, "alice", "FL-101", "next Monday")
    assert expected.startswith("Booked flight FL-101 ")
    assert reply["text"].startswith(f"The book_travel tool returned: {expected.split('ACME-')[0]}ACME-")
    assert [(b["traveller"], b["option_id"]) for b in deployment.stored()] == [("alice", "FL-101")]
    assert not deployment.local_bookings.exists()  # the assistant's own travel desk was not used
    # The MCP server saw a token AgentCore Identity issued for Alice, never her own.
    minted = [body for name, body in deployment.identity.calls if name == "GetWorkloadAccessTokenForUserId"]
    assert {"workloadName": WORKLOAD, "userId": "alice"} in minted


def test_another_user_sees_only_their_own_bookings(deployment: Deployment) -> None:
    deployment.ask("alice", BOOK_NYC)

    bob = deployment.ask("bob", "What have I booked?").json()
    alice = deployment.ask("alice", "What have I booked?").json()

    assert bob["text"] == "The list_bookings tool returned: bob has no bookings."
    assert alice["text"].startswith("The list_bookings tool returned: Bookings of alice (1):\n- ACME-")


def test_the_policy_holds_on_the_remote_tools(deployment: Deployment) -> None:
    before = deployment.stored()

    reply = deployment.ask("carol", "Book me a business class flight to NYC next Monday").json()

    assert reply["text"].startswith("The book_travel tool returned: Refused: FL-102 on Monday 2026-06-08")
    assert deployment.stored() == before


def test_a_token_the_mcp_server_refuses_fails_the_request(deployment: Deployment) -> None:
    deployment.identity.wrong_client.add("mallory")
    before = deployment.stored()

    response = deployment.ask("mallory", BOOK_NYC)

    assert response.status_code == 500
    assert response.json()["code"] == "agent_error"
    assert "eyJ" not in response.text
    assert deployment.stored() == before
    log = deployment.assistant.stderr.read_text()
    assert "refused the bearer token (HTTP 401)" in log
    requests = [line for line in deployment.assistant.log_lines() if line.get("event") == "agent_request"]
    assert (requests[-1]["status"], requests[-1]["error_code"]) == (500, "agent_error")
    # No token, the users' or the ones AgentCore Identity issued, in either server's output.
    assert "eyJ" not in log and "eyJ" not in deployment.tools.stderr.read_text()
