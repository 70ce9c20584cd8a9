"""Who may call the generated project, through its FastAPI app and its Lambda handler (two event shapes).

The project trusts the moto Cognito pool (template answers: discovery URL, app client). Real access tokens
from ``initiate_auth`` are accepted and key the caller's sessions; the bad-token suite of ``tests/auth``
(forgeries of real pool tokens, claim-level cases signed by a key the stub issuer publishes, malformed
headers) plus claim-level cases signed with the pool's own key are refused with 401 and a Bearer challenge
naming the check that failed, before the agent runs, and no credential ever shows in a reply or a log.

Cases built for another configuration than the project's (the stub issuer; ID tokens with an audience) run
against a deployment of the same project with that configuration in ``AGENT_JWT_*`` variables.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from agent_scaffold_runtime.auth import JwtConfig, JwtVerifier

from tests.auth.conftest import Cognito
from tests.auth.tokens import CASES, HEADER_CASES, Ctx

from .conftest import Users
from .harness import (
    ADAPTERS,
    SESSION_HEADER,
    Deployment,
    Fleet,
    bearer,
    leaked,
    namespace,
    pool_token,
    session_owners,
)

# The last test sweeps the logs for every credential the others sent: all of them must run in one process.
pytestmark = pytest.mark.xdist_group("e2e-auth")

REQUIRED_SCOPE = "agent/invoke"


def _in(seconds: int) -> int:
    return int(time.time()) + seconds


# Claim-level cases against the project's own configuration: alice's real access token with one claim
# changed, re-signed with the pool's key, so the signature is valid and only the claim can fail.
POOL_CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "pool key, expired": ("has expired", {"exp": _in(-3600), "iat": _in(-7200)}),
    "pool key, expired beyond the 30 s leeway": ("has expired", {"exp": _in(-90), "iat": _in(-3690)}),
    "pool key, not yet valid (nbf)": ("not yet valid", {"nbf": _in(3600)}),
    "pool key, issued in the future": ("not yet valid", {"iat": _in(3600)}),
    "pool key, another pool's issuer": (
        "issuer is not accepted",
        {"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_SomeOtherPool"},
    ),
    "pool key, missing sub": ("lacks a required claim", {"sub": None}),
    "pool key, missing exp": ("lacks a required claim", {"exp": None}),
    "pool key, another app client": ("client is not accepted", {"client_id": "some-other-app-client"}),
    "pool key, token_use id": ("type is not accepted", {"token_use": "id"}),
}


@dataclass(frozen=True)
class BadToken:
    reason: str
    authorization: str
    deployment: Deployment


def env_for(config: JwtConfig) -> dict[str, str]:
    """``AGENT_JWT_*`` variables that configure exactly ``config`` (set even when blank: blank clears)."""
    env = {
        "AGENT_JWT_DISCOVERY_URL": config.discovery_url,
        "AGENT_JWT_ALLOWED_CLIENTS": ",".join(sorted(config.allowed_clients)),
        "AGENT_JWT_ALLOWED_AUDIENCES": ",".join(sorted(config.allowed_audiences)),
        "AGENT_JWT_ALLOWED_SCOPES": ",".join(sorted(config.allowed_scopes)),
        "AGENT_JWT_REQUIRED_GROUPS": ",".join(sorted(config.required_groups)),
        "AGENT_JWT_TOKEN_USE": config.token_use,
        "AGENT_JWT_LEEWAY_SECONDS": str(config.leeway_seconds),
    }
    assert JwtConfig.from_settings(env) == config  # the deployment verifies exactly as the case assumes
    return env


@pytest.fixture(scope="module")
def scoped(fleet: Fleet) -> Deployment:
    """The same project where a token must carry ``agent/invoke`` (which Cognito's tokens do not)."""
    return fleet.deploy("scoped", {"AGENT_JWT_ALLOWED_SCOPES": REQUIRED_SCOPE})


@pytest.fixture(scope="module")
def bad_tokens(
    token_ctx: Ctx, cognito: Cognito, users: Users, fleet: Fleet, main: Deployment
) -> dict[str, BadToken]:
    """Every bad credential, with the deployment configured the way its case assumes."""
    project_config = JwtConfig.from_settings(cognito.env())  # what the template answers configure
    built: dict[str, BadToken] = {}
    for name, (reason, case) in CASES.items():
        authenticator, token = case(token_ctx)
        assert isinstance(authenticator, JwtVerifier)
        config = authenticator.config
        if config == project_config:
            deployment = main
        else:
            env = env_for(config)
            digest = hashlib.sha256(json.dumps(env, sort_keys=True).encode()).hexdigest()[:8]
            deployment = fleet.deploy(f"jwt-{digest}", env)
        built[name] = BadToken(reason, f"Bearer {token}", deployment)
    for name, (reason, claims) in POOL_CASES.items():
        built[name] = BadToken(reason, f"Bearer {pool_token(users.alice, **claims)}", main)
    for name, (reason, value) in HEADER_CASES.items():
        built[name] = BadToken(reason, value, main)
    return built


@pytest.fixture(scope="module", autouse=True)
def _start_everything_at_once(bad_tokens: dict[str, BadToken], scoped: Deployment) -> None:
    """Requesting the fixtures starts every deployment of this module now, so their start-ups overlap."""


def body(session_id: str, prompt: str = "hello") -> dict[str, str]:
    return {"prompt": prompt, "session_id": session_id}


def new_session(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}"


def test_the_suite_is_broad() -> None:
    assert len(CASES) + len(POOL_CASES) + len(HEADER_CASES) >= 20


def test_cases_cover_several_configurations(bad_tokens: dict[str, BadToken], main: Deployment) -> None:
    """The stub-issuer and ID-token cases really run against other deployments (not against ``main``)."""
    names = {token.deployment.name for token in bad_tokens.values()}
    assert "main" in names
    assert len(names) >= 3


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_real_access_token_is_accepted_and_keys_the_session(
    adapter: str, main: Deployment, users: Users
) -> None:
    session_id = new_session("accept")
    reply = main.invoke(adapter, body(session_id), bearer(users.alice))
    assert reply.status == 200, reply.body
    data = reply.json()
    assert data["text"] == "You said: hello"
    assert data["session_id"] == session_id
    assert reply.headers[SESSION_HEADER] == session_id
    # The conversation was stored under the token's subject, and nowhere else.
    assert session_owners(main.session_dir(adapter), session_id) == [namespace(users.alice_sub)]
    assert not leaked([users.alice], reply.exposed(), main.stderr(adapter))


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_pool_signed_control_token_is_accepted(adapter: str, main: Deployment, users: Users) -> None:
    """The control for the ``pool key`` cases: unchanged claims re-signed with the pool's key verify."""
    token = pool_token(users.alice)
    reply = main.invoke(adapter, body(new_session("control")), bearer(token))
    assert reply.status == 200, reply.body


def assert_refused(deployment: Deployment, adapter: str, authorization: str | None, reason: str) -> None:
    session_id = new_session("refused")
    headers = {} if authorization is None else {"authorization": authorization}
    reply = deployment.invoke(adapter, body(session_id), headers)
    assert reply.status == 401, reply.body
    data = reply.json()
    assert data["code"] == "unauthorized"
    assert reason in data["error"]  # refused by the check the case is about
    challenge = reply.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="agent"')
    if authorization is not None:
        assert 'error="invalid_token"' in challenge
        assert f'error_description="{data["error"]}"' in challenge
    assert session_owners(deployment.session_dir(adapter), session_id) == []  # the agent never ran
    if authorization is not None:
        assert not leaked([authorization], reply.exposed(), deployment.stderr(adapter))


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("name", [*CASES, *POOL_CASES, *HEADER_CASES])
def test_bad_token_is_401(name: str, adapter: str, bad_tokens: dict[str, BadToken]) -> None:
    bad = bad_tokens[name]
    assert_refused(bad.deployment, adapter, bad.authorization, bad.reason)


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_missing_token_is_401_with_a_bare_challenge(adapter: str, main: Deployment) -> None:
    assert_refused(main, adapter, None, "A Bearer token is required.")
    reply = main.invoke(adapter, body(new_session("missing")))
    assert reply.headers["www-authenticate"] == 'Bearer realm="agent"'  # RFC 6750 3.1: no error code


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_token_without_the_required_scope_is_403(
    adapter: str, scoped: Deployment, main: Deployment, users: Users
) -> None:
    session_id = new_session("scope")
    reply = scoped.invoke(adapter, body(session_id), bearer(users.alice))
    assert reply.status == 403, reply.body
    assert reply.json() == {"error": "The token lacks a required scope.", "code": "forbidden"}
    challenge = reply.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge
    assert f'scope="{REQUIRED_SCOPE}"' in challenge
    assert session_owners(scoped.session_dir(adapter), session_id) == []
    assert not leaked([users.alice], reply.exposed(), scoped.stderr(adapter))
    # Controls: the same token passes where no scope is required, and a token with the scope passes here.
    assert main.invoke(adapter, body(new_session("scope")), bearer(users.alice)).status == 200
    with_scope = pool_token(users.alice, scope=f"aws.cognito.signin.user.admin {REQUIRED_SCOPE}")
    assert scoped.invoke(adapter, body(new_session("scope")), bearer(with_scope)).status == 200


def test_no_credential_sent_in_this_module_reached_any_log(fleet: Fleet) -> None:
    """A last sweep over every deployment's two stderr logs, for every Authorization value ever sent."""
    deployments = fleet.deployments()
    assert sum(len(d.sent_credentials) for d in deployments) >= 3 * (len(CASES) + len(POOL_CASES))
    found = {d.name: leaked(d.sent_credentials, d.stderr("fastapi"), d.stderr("lambda")) for d in deployments}
    assert found == {d.name: [] for d in deployments}
