"""Outbound identity over real sockets: a fake AgentCore Identity data plane and a bearer-guarded MCP server.

moto does not implement AgentCore Identity's data plane, so ``FakeIdentity`` serves the four operations we use
as botocore's own service model for ``bedrock-agentcore`` defines them (method, path and required members
are read from the model, so a model change breaks the fake, not production). The code under test uses the
ordinary boto3 client, signed with SigV4, pointed at the fake with ``AGENT_AWS_ENDPOINT_URL``.

The MCP server is built with the ``mcp`` SDK (``MCPServer``, formerly FastMCP; stateless streamable HTTP with
JSON responses) behind a check that answers 401 unless ``Authorization: Bearer <an issued token>``.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore
import pytest
from agent_scaffold_runtime.auth import AuthConfigError
from agent_scaffold_runtime.auth.mcp import McpAuthRejected, bearer_headers, mcp_client
from agent_scaffold_runtime.auth.outbound import (
    ConsentRequired,
    OutboundAuthError,
    OutboundConfig,
    OutboundTokens,
)
from agent_scaffold_runtime.identity import ANONYMOUS, Principal, local_principal
from agent_scaffold_runtime.testing import serving as serve
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

# Strands' MCPClient.start() calls stop() after a failed connection, and stop() schedules a coroutine on the
# background loop that has already closed (plain Strands does the same); the warning is that, nothing of ours.
pytestmark = pytest.mark.filterwarnings("ignore:coroutine 'MCPClient.stop.<locals>._set_close_event'")

WORKLOAD = "agent-local"
PROVIDER = "github-provider"
ALICE = Principal(user_id="alice-sub", auth_method="jwt")
BOB = Principal(user_id="bob-sub", auth_method="jwt")


# -- servers on loopback ----------------------------------------------------------------------------------


def _model() -> dict[str, Any]:
    data = Path(botocore.__file__).parent / "data" / "bedrock-agentcore"
    version = max(path.name for path in data.iterdir() if path.is_dir())
    with gzip.open(data / version / "service-2.json.gz") as handle:
        model: dict[str, Any] = json.load(handle)
    return model


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class FakeIdentity:
    """AgentCore Identity's workload-token and OAuth2 token operations, with a call log."""

    OPERATIONS = (
        "GetWorkloadAccessToken",
        "GetWorkloadAccessTokenForUserId",
        "GetWorkloadAccessTokenForJWT",
        "GetResourceOauth2Token",
    )

    def __init__(self) -> None:
        self.model = _model()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.workloads = {WORKLOAD}
        self.providers = {PROVIDER}
        self.wats: dict[str, str] = {}  # workload access token -> user id ("" for none)
        self.issued: dict[str, str] = {}  # access token -> user id it was issued for
        self.needs_consent: set[str] = set()
        self.lifetime = 3600
        self.opaque = False
        routes = []
        for name in self.OPERATIONS:
            http = self.model["operations"][name]["http"]
            routes.append(Route(http["requestUri"], self._endpoint(name), methods=[http["method"]]))
        self.app = Starlette(routes=routes)

    def count(self, operation: str) -> int:
        return sum(1 for name, _ in self.calls if name == operation)

    def issue_wat(self, user_id: str) -> str:
        """What AgentCore Runtime does for each request: a workload access token for this agent and user."""
        token = f"wat-{uuid.uuid4().hex}"
        self.wats[token] = user_id
        return token

    def _endpoint(self, name: str) -> Any:
        shape = self.model["shapes"][self.model["operations"][name]["input"]["shape"]]

        async def endpoint(request: Request) -> JSONResponse:
            signature = request.headers.get("authorization", "")
            if (
                not signature.startswith("AWS4-HMAC-SHA256 ")
                or "/bedrock-agentcore/aws4_request" not in signature
            ):
                return self._error(403, "AccessDeniedException", "Missing or invalid SigV4 signature.")
            body = await request.json()
            missing = [member for member in shape.get("required", []) if member not in body]
            if missing or set(body) - set(shape["members"]):
                return self._error(400, "ValidationException", "Invalid request.", reason="CannotParse")
            self.calls.append((name, body))
            return getattr(self, f"_{name}")(body)

        return endpoint

    @staticmethod
    def _error(status: int, code: str, message: str, **extra: str) -> JSONResponse:
        return JSONResponse(
            {"message": message, **extra}, status_code=status, headers={"x-amzn-errortype": code}
        )

    def _wat_for(self, body: dict[str, Any], user_id: str) -> JSONResponse:
        if body["workloadName"] not in self.workloads:
            return self._error(404, "ResourceNotFoundException", "Workload identity not found.")
        return JSONResponse({"workloadAccessToken": self.issue_wat(user_id)})

    def _GetWorkloadAccessToken(self, body: dict[str, Any]) -> JSONResponse:
        return self._wat_for(body, "")

    def _GetWorkloadAccessTokenForUserId(self, body: dict[str, Any]) -> JSONResponse:
        return self._wat_for(body, body["userId"])

    def _GetWorkloadAccessTokenForJWT(self, body: dict[str, Any]) -> JSONResponse:
        payload = body["userToken"].split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return self._wat_for(body, claims["sub"])

    def _GetResourceOauth2Token(self, body: dict[str, Any]) -> JSONResponse:
        user = self.wats.get(body["workloadIdentityToken"])
        if user is None:
            return self._error(401, "UnauthorizedException", "The workload access token is not valid.")
        if body["resourceCredentialProviderName"] not in self.providers:
            return self._error(404, "ResourceNotFoundException", "Credential provider not found.")
        if body["oauth2Flow"] == "USER_FEDERATION" and user in self.needs_consent:
            return JSONResponse(
                {
                    "authorizationUrl": f"https://consent.example.test/authorize?user={user}",
                    "sessionUri": f"urn:ietf:params:oauth:request_uri:{uuid.uuid4().hex}",
                }
            )
        subject = user if body["oauth2Flow"] != "M2M" else "m2m-client"
        claims = {
            "sub": subject,
            "scope": " ".join(body["scopes"]),
            "exp": int(time.time()) + self.lifetime,
            "jti": uuid.uuid4().hex,
        }
        token = f"opaque-{uuid.uuid4().hex}" if self.opaque else f"{b64({'alg': 'RS256'})}.{b64(claims)}.c2ln"
        self.issued[token] = user
        return JSONResponse({"accessToken": token})


@pytest.fixture(scope="module")
def identity_server() -> Iterator[tuple[FakeIdentity, str]]:
    fake = FakeIdentity()
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def identity(identity_server: tuple[FakeIdentity, str], monkeypatch: pytest.MonkeyPatch) -> FakeIdentity:
    fake, _ = identity_server
    fake.calls.clear()
    fake.needs_consent.clear()
    fake.lifetime, fake.opaque = 3600, False
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    return fake


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory that must stay empty: the SDK's local path writes .agentcore.json here."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    return workdir


@pytest.fixture
def env(identity_server: tuple[FakeIdentity, str]) -> dict[str, str]:
    return {
        "AGENT_OUTBOUND_PROVIDER": PROVIDER,
        "AGENT_OUTBOUND_SCOPES": "repo, read:user",
        "AGENT_OUTBOUND_WORKLOAD_NAME": WORKLOAD,
        "AGENT_AWS_ENDPOINT_URL": identity_server[1],
        "AWS_REGION": "us-east-1",
    }


def tokens_for(env: dict[str, str], **extra: str) -> OutboundTokens:
    return OutboundTokens.from_env({**env, **extra})


def run(coro: Any) -> Any:
    import asyncio

    return asyncio.run(coro)


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    result: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return result


# -- obtaining tokens ---------------------------------------------------------------------------------------


def test_local_run_gets_a_token_for_the_user_caches_it_and_writes_nothing(
    identity: FakeIdentity, env: dict[str, str], cwd: Path
) -> None:
    tokens = tokens_for(env)
    first = run(tokens.access_token(ALICE))
    assert identity.issued[first] == "alice-sub"
    minted = [body for name, body in identity.calls if name == "GetWorkloadAccessTokenForUserId"]
    assert minted == [{"workloadName": WORKLOAD, "userId": "alice-sub"}]
    request = next(body for name, body in identity.calls if name == "GetResourceOauth2Token")
    assert request["resourceCredentialProviderName"] == PROVIDER
    assert (request["scopes"], request["oauth2Flow"]) == (["repo", "read:user"], "M2M")
    assert identity.wats[request["workloadIdentityToken"]] == "alice-sub"

    assert run(tokens.access_token(ALICE)) == first
    assert identity.count("GetResourceOauth2Token") == 1
    assert identity.count("GetWorkloadAccessTokenForUserId") == 1
    assert list(cwd.iterdir()) == []


def test_a_different_user_gets_a_different_token(
    identity: FakeIdentity, env: dict[str, str], cwd: Path
) -> None:
    tokens = tokens_for(env, AGENT_OUTBOUND_FLOW="user_federation")
    alice, bob = run(tokens.access_token(ALICE)), run(tokens.access_token(BOB))
    assert alice != bob
    assert (claims_of(alice)["sub"], claims_of(bob)["sub"]) == ("alice-sub", "bob-sub")
    assert run(tokens.access_token(BOB)) == bob
    assert identity.count("GetResourceOauth2Token") == 2
    # same user id, other auth method: another principal, so another entry
    run(tokens.access_token(Principal(user_id="alice-sub", auth_method="iam")))
    assert identity.count("GetResourceOauth2Token") == 3
    assert list(cwd.iterdir()) == []


def test_workload_token_from_the_caller_skips_minting(identity: FakeIdentity, env: dict[str, str]) -> None:
    wat = identity.issue_wat("alice-sub")
    token = run(tokens_for(env).access_token(ALICE, workload_token=wat))
    assert identity.issued[token] == "alice-sub"
    assert identity.count("GetWorkloadAccessTokenForUserId") == 0
    assert identity.calls[-1][1]["workloadIdentityToken"] == wat


def test_on_agentcore_the_runtime_header_is_used(
    identity: FakeIdentity, env: dict[str, str], cwd: Path
) -> None:
    """A real BedrockAgentCoreApp: the runtime's ``WorkloadAccessToken`` header reaches ``access_token``."""
    from bedrock_agentcore.runtime import BedrockAgentCoreApp
    from starlette.testclient import TestClient

    tokens = tokens_for(env, AGENT_RUNTIME="agentcore", AGENT_OUTBOUND_WORKLOAD_NAME="")
    app = BedrockAgentCoreApp()

    @app.entrypoint
    async def invoke(payload: dict[str, Any]) -> dict[str, Any]:
        token = await tokens.access_token(Principal(user_id=payload["user"], auth_method="jwt"))
        return {"user": identity.issued[token]}

    wat = identity.issue_wat("carol-sub")
    with TestClient(app) as client:
        answer = client.post("/invocations", json={"user": "carol-sub"}, headers={"WorkloadAccessToken": wat})
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"user": "carol-sub"}
        assert identity.calls[-1][1]["workloadIdentityToken"] == wat
        # on the runtime, no header means no token: never mint one
        refused = client.post("/invocations", json={"user": "dave-sub"})
        assert refused.status_code == 500
    assert identity.count("GetWorkloadAccessTokenForUserId") == 0
    with pytest.raises(OutboundAuthError, match="carries no workload access token"):
        run(tokens.access_token(Principal(user_id="dave-sub", auth_method="jwt")))
    assert list(cwd.iterdir()) == []


def test_user_jwt_gives_the_jwt_form(identity: FakeIdentity, env: dict[str, str]) -> None:
    user_jwt = f"{b64({'alg': 'RS256'})}.{b64({'sub': 'alice-sub'})}.c2ln"
    token = run(tokens_for(env).access_token(ALICE, user_token=user_jwt))
    assert identity.issued[token] == "alice-sub"
    assert [name for name, _ in identity.calls][:1] == ["GetWorkloadAccessTokenForJWT"]


def test_short_lived_tokens_are_not_kept_past_expiry(identity: FakeIdentity, env: dict[str, str]) -> None:
    identity.lifetime = 30  # inside the one-minute refresh margin: never reused
    tokens = tokens_for(env)
    assert run(tokens.access_token(ALICE)) != run(tokens.access_token(ALICE))
    assert identity.count("GetResourceOauth2Token") == 2


def test_cache_cap_and_opaque_tokens(identity: FakeIdentity, env: dict[str, str]) -> None:
    identity.opaque = True
    now = [1_000_000.0]
    tokens = OutboundTokens(
        OutboundConfig.from_env({**env, "AGENT_OUTBOUND_CACHE_SECONDS": "120"}), clock=lambda: now[0]
    )
    first = run(tokens.access_token(ALICE))
    now[0] += 119
    assert run(tokens.access_token(ALICE)) == first
    now[0] += 2
    assert run(tokens.access_token(ALICE)) != first
    tokens.forget(ALICE)
    run(tokens.access_token(ALICE))
    assert identity.count("GetResourceOauth2Token") == 3
    uncached = tokens_for(env, AGENT_OUTBOUND_CACHE_SECONDS="0")
    assert run(uncached.access_token(ALICE)) != run(uncached.access_token(ALICE))


def test_consent_url_is_raised_not_polled(identity: FakeIdentity, env: dict[str, str]) -> None:
    identity.needs_consent.add("alice-sub")
    tokens = tokens_for(
        env, AGENT_OUTBOUND_FLOW="USER_FEDERATION", AGENT_OUTBOUND_CALLBACK_URL="https://app.test/cb"
    )
    started = time.monotonic()
    with pytest.raises(ConsentRequired) as caught:
        run(tokens.access_token(ALICE))
    assert time.monotonic() - started < 5
    assert caught.value.authorization_url == "https://consent.example.test/authorize?user=alice-sub"
    assert caught.value.session_uri and caught.value.session_uri.startswith(
        "urn:ietf:params:oauth:request_uri:"
    )
    assert identity.calls[-1][1]["resourceOauth2ReturnUrl"] == "https://app.test/cb"
    identity.needs_consent.clear()
    assert claims_of(run(tokens.access_token(ALICE)))["sub"] == "alice-sub"


def test_refusals_are_clear_and_hold_no_token(identity: FakeIdentity, env: dict[str, str], cwd: Path) -> None:
    with pytest.raises(
        OutboundAuthError, match=r"GetWorkloadAccessTokenForUserId \(ResourceNotFoundException"
    ):
        run(tokens_for(env, AGENT_OUTBOUND_WORKLOAD_NAME="no-such-workload").access_token(ALICE))
    with pytest.raises(
        OutboundAuthError, match=r"GetResourceOauth2Token \(ResourceNotFoundException, HTTP 404"
    ):
        run(tokens_for(env, AGENT_OUTBOUND_PROVIDER="no-such-provider").access_token(ALICE))
    bogus = "wat-not-issued-0123456789"
    with pytest.raises(OutboundAuthError, match="UnauthorizedException") as caught:
        run(tokens_for(env).access_token(ALICE, workload_token=bogus))
    assert bogus not in str(caught.value) and caught.value.__cause__ is None
    with pytest.raises(OutboundAuthError, match="AGENT_OUTBOUND_WORKLOAD_NAME"):
        run(tokens_for(env, AGENT_OUTBOUND_WORKLOAD_NAME="").access_token(ALICE))
    with pytest.raises(OutboundAuthError, match="too long"):
        run(tokens_for(env).access_token(Principal(user_id="x" * 129, auth_method="iam")))
    with pytest.raises(OutboundAuthError, match="anonymous"):
        run(tokens_for(env, AGENT_OUTBOUND_FLOW="USER_FEDERATION").access_token(ANONYMOUS))
    assert run(tokens_for(env).access_token(local_principal("dev")))  # M2M works for a local developer
    unreachable = tokens_for(env, AGENT_AWS_ENDPOINT_URL="http://127.0.0.1:9")
    with pytest.raises(OutboundAuthError, match="could not be reached"):
        run(unreachable.access_token(ALICE))
    assert list(cwd.iterdir()) == []


def test_config_is_checked_without_network() -> None:
    with pytest.raises(AuthConfigError, match="AGENT_OUTBOUND_PROVIDER"):
        OutboundConfig.from_env({})
    with pytest.raises(AuthConfigError, match="credential provider"):
        OutboundConfig.from_env({"AGENT_OUTBOUND_PROVIDER": "bad name"})
    with pytest.raises(AuthConfigError, match="AGENT_OUTBOUND_FLOW"):
        OutboundConfig.from_env({"AGENT_OUTBOUND_PROVIDER": "p", "AGENT_OUTBOUND_FLOW": "implicit"})
    with pytest.raises(AuthConfigError, match="https"):
        OutboundConfig.from_env(
            {"AGENT_OUTBOUND_PROVIDER": "p", "AGENT_AWS_ENDPOINT_URL": "http://identity.test"}
        )
    with pytest.raises(AuthConfigError, match="workload identity name"):
        OutboundConfig.from_env({"AGENT_OUTBOUND_PROVIDER": "p", "AGENT_OUTBOUND_WORKLOAD_NAME": "a b"})
    with pytest.raises(AuthConfigError, match="number"):
        OutboundConfig.from_env({"AGENT_OUTBOUND_PROVIDER": "p", "AGENT_OUTBOUND_CACHE_SECONDS": "soon"})
    config = OutboundConfig.from_env(
        {
            "AGENT_OUTBOUND_PROVIDER": "p",
            "AGENT_OUTBOUND_SCOPES": " a,b  c ,",
            "AWS_DEFAULT_REGION": "eu-west-1",
        }
    )
    assert (config.scopes, config.flow, config.region, config.on_runtime) == (
        ("a", "b", "c"),
        "M2M",
        "eu-west-1",
        False,
    )


def test_tokens_never_reach_the_logs(
    identity: FakeIdentity, env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Even at DEBUG, where botocore prints request and response bodies."""
    caplog.set_level(logging.DEBUG)
    tokens = tokens_for(env, AGENT_OUTBOUND_FLOW="USER_FEDERATION")
    user_jwt = f"{b64({'alg': 'RS256'})}.{b64({'sub': 'bob-sub', 'secret': 'user-jwt-marker'})}.c2ln"
    issued = [
        run(tokens.access_token(ALICE)),
        run(tokens.access_token(ALICE)),
        run(tokens.access_token(BOB, user_token=user_jwt)),
    ]
    wats = list(identity.wats)
    assert any(record.name.startswith("botocore") for record in caplog.records)  # DEBUG capture was live
    assert any("Outbound token obtained" in record.getMessage() for record in caplog.records)
    for secret in [*issued, *wats, user_jwt, "user-jwt-marker"]:
        assert secret not in caplog.text
    for part in issued[0].split(".")[1:2]:
        assert part not in caplog.text


def test_importing_is_cheap() -> None:
    import subprocess
    import sys

    code = (
        "import sys, agent_scaffold_runtime.auth, agent_scaffold_runtime.auth.outbound\n"
        "names = ('boto3', 'botocore', 'bedrock_agentcore', 'mcp', 'strands', 'httpx2')\n"
        "print([name for name in names if name in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- MCP with the bearer token -------------------------------------------------------------------------------


def bearer_guarded_mcp(valid: dict[str, str], seen: list[str]) -> Any:
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("remote-tools")

    @server.tool()
    def shout(text: str) -> str:
        """Upper-case the text."""
        return text.upper()

    inner = server.streamable_http_app(json_response=True, stateless_http=True)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            value = dict(scope["headers"]).get(b"authorization", b"").decode()
            scheme, _, token = value.partition(" ")
            if scheme != "Bearer" or token not in valid:
                body = b'{"error":"invalid_token"}'
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
            seen.append(valid[token])
        await inner(scope, receive, send)

    return app


@pytest.fixture
def mcp_server(identity: FakeIdentity) -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    with serve(bearer_guarded_mcp(identity.issued, seen)) as url:
        yield f"{url}/mcp", seen


def test_mcp_round_trip_with_the_callers_token(
    identity: FakeIdentity, env: dict[str, str], mcp_server: tuple[str, list[str]], cwd: Path
) -> None:
    url, seen = mcp_server
    tokens = tokens_for(env, AGENT_OUTBOUND_FLOW="USER_FEDERATION")
    client = mcp_client(url, lambda: tokens.access_token(ALICE), prefix="remote")
    with client:
        assert [tool.tool_name for tool in client.list_tools_sync()] == ["remote_shout"]
        result = client.call_tool_sync("call-1", "shout", {"text": "hello"})
    assert result["status"] == "success"
    assert result["content"][0].get("text") == "HELLO"
    assert seen and set(seen) == {"alice-sub"}
    assert list(cwd.iterdir()) == []


def test_an_agent_uses_the_remote_tool(
    identity: FakeIdentity, env: dict[str, str], mcp_server: tuple[str, list[str]]
) -> None:
    from agent_scaffold_runtime.offline_model import OfflineModel
    from strands import Agent

    url, seen = mcp_server
    tokens = tokens_for(env, AGENT_OUTBOUND_FLOW="USER_FEDERATION")
    model = OfflineModel(script=[{"tool": "shout", "input": {"text": "delegated"}}])
    client = mcp_client(url, lambda: tokens.access_token(BOB))
    agent = Agent(model=model, tools=[client], callback_handler=None)
    try:
        assert "shout" in agent.tool_names
        assert "DELEGATED" in str(agent("go"))
    finally:
        agent.cleanup()
    assert set(seen) == {"bob-sub"}


def test_wrong_token_fails_clearly(
    mcp_server: tuple[str, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    url, seen = mcp_server
    wrong = "not-a-token-issued-by-anyone"
    client = mcp_client(url + "?api_key=hidden", wrong, startup_timeout=10)
    with pytest.raises(McpAuthRejected) as caught:
        client.start()
    assert caught.value.status == 401
    assert str(caught.value).startswith(f"The MCP server at {url} refused the bearer token (HTTP 401)")
    assert wrong not in str(caught.value) and "hidden" not in str(caught.value)
    assert wrong not in caplog.text
    assert seen == []


def test_token_source_failures_surface_as_themselves(
    env: dict[str, str], mcp_server: tuple[str, list[str]]
) -> None:
    url, _ = mcp_server
    tokens = tokens_for(env, AGENT_OUTBOUND_WORKLOAD_NAME="")
    with pytest.raises(OutboundAuthError, match="AGENT_OUTBOUND_WORKLOAD_NAME"):
        mcp_client(url, lambda: tokens.access_token(ALICE), startup_timeout=10).start()
    with pytest.raises(OutboundAuthError, match="unusable token"):
        mcp_client(url, "two\nlines", startup_timeout=10).start()


def test_sync_sources_and_literal_tokens(
    identity: FakeIdentity, env: dict[str, str], mcp_server: tuple[str, list[str]]
) -> None:
    url, seen = mcp_server
    token = run(tokens_for(env).access_token(ALICE))
    for source in (token, lambda: token):
        with mcp_client(url, source) as client:
            assert client.call_tool_sync("c", "shout", {"text": "x"})["status"] == "success"
    assert set(seen) == {"alice-sub"}


def test_bearer_headers_and_client_arguments() -> None:
    assert bearer_headers("abc.def-ghi_~+/=") == {"Authorization": "Bearer abc.def-ghi_~+/="}
    for bad in ("", "a b", "a\r\nX-Evil: 1", "tökén"):
        with pytest.raises(ValueError) as caught:
            bearer_headers(bad)
        assert bad not in str(caught.value) or not bad
    with pytest.raises(AuthConfigError, match="https"):
        mcp_client("http://tools.example.test/mcp", "t")
    with pytest.raises(TypeError, match="headers"):
        mcp_client("https://tools.example.test/mcp", "t", headers={})
