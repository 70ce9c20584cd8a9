"""AgentCore trusted-authorizer mode: ``AGENT_JWT_VERIFY=false`` only on the AgentCore target, on the runtime.

Tokens are signed with a real key (as the runtime's authorizer would have seen them) but the mode never
checks signatures, which one test states outright; every other rule still applies.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import pytest
from agent_scaffold_runtime.auth import (
    AuthConfigError,
    AuthError,
    JwtVerifier,
    RuntimeAuthorizedJwt,
    build_authenticator,
)

from .forging import segment, unsigned
from .stub_issuer import CLIENT, ISSUER, StubIssuer, access_claims, sign

DISCOVERY = f"{ISSUER}/.well-known/openid-configuration"
ON_RUNTIME = {"AGENT_RUNTIME": "agentcore", "AGENT_JWT_VERIFY": "false"}


def env(**extra: str) -> dict[str, str]:
    settings = {"AGENT_JWT_DISCOVERY_URL": DISCOVERY, "AGENT_JWT_ALLOWED_CLIENTS": CLIENT}
    settings.update(ON_RUNTIME)
    settings.update(extra)
    return settings


def trusted(**extra: str) -> RuntimeAuthorizedJwt:
    auth = build_authenticator("jwt", env(**extra), target="agentcore")
    assert type(auth) is RuntimeAuthorizedJwt
    return auth


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token(keys: dict[str, Any]) -> Any:
    def make(**overrides: Any) -> str:
        return sign(access_claims(**overrides), keys["rsa"], "stub-rsa")

    return make


# -- where the mode may run ----------------------------------------------------------------------------------


def test_verification_off_on_agentcore_runtime_reads_the_forwarded_header(token: Any) -> None:
    auth = trusted()
    principal = auth.authenticate({"authorization": f"Bearer {token(**{'cognito:groups': ['admins']})}"})
    assert principal.user_id == access_claims()["sub"]
    assert principal.auth_method == "jwt"
    assert principal.scopes == {"agent/invoke", "openid"}
    assert principal.groups == {"admins"}
    assert principal.claims["username"] == "carol"


@pytest.mark.parametrize("value", [None, "", "true", "TRUE", " yes ", "1", "on"])
def test_verification_stays_on_by_default_even_on_the_runtime(value: str | None) -> None:
    settings = env()
    if value is None:
        del settings["AGENT_JWT_VERIFY"]
    else:
        settings["AGENT_JWT_VERIFY"] = value
    auth = build_authenticator("jwt", settings, target="agentcore")
    assert type(auth) is JwtVerifier


@pytest.mark.parametrize("target", [None, "fastapi", "lambda", "local", "AgentCore", "agentcore-local"])
def test_verification_off_is_refused_on_other_targets(target: str | None) -> None:
    with pytest.raises(AuthConfigError, match="only allowed on the AgentCore target"):
        build_authenticator("jwt", env(), target=target)


@pytest.mark.parametrize("runtime", [None, "", "local", "lambda", "docker"])
def test_verification_off_is_refused_off_the_runtime(runtime: str | None) -> None:
    settings = env()
    if runtime is None:
        del settings["AGENT_RUNTIME"]
    else:
        settings["AGENT_RUNTIME"] = runtime
    with pytest.raises(AuthConfigError, match="only allowed on AgentCore Runtime"):
        build_authenticator("jwt", settings, target="agentcore")


def test_sdk_container_markers_do_not_count_as_the_runtime() -> None:
    """``DOCKER_CONTAINER`` is what the SDK looks at; any local container has it, so it proves nothing."""
    settings = env(DOCKER_CONTAINER="1")
    del settings["AGENT_RUNTIME"]
    with pytest.raises(AuthConfigError):
        build_authenticator("jwt", settings, target="agentcore")


def test_a_typo_is_refused_not_read_as_false() -> None:
    with pytest.raises(AuthConfigError, match="AGENT_JWT_VERIFY must be true or false"):
        build_authenticator("jwt", env(AGENT_JWT_VERIFY="flase"), target="agentcore")


def test_answer_can_turn_it_off_and_env_wins() -> None:
    settings = env()
    del settings["AGENT_JWT_VERIFY"]
    answers = {"jwt_verify": False}
    assert type(build_authenticator("jwt", settings, answers, target="agentcore")) is RuntimeAuthorizedJwt
    settings["AGENT_JWT_VERIFY"] = "true"
    assert type(build_authenticator("jwt", settings, answers, target="agentcore")) is JwtVerifier
    with pytest.raises(AuthConfigError):
        build_authenticator("jwt", {**settings, "AGENT_JWT_VERIFY": "false"}, answers, target="lambda")


def test_other_modes_ignore_the_switch() -> None:
    assert type(build_authenticator("iam", env(), target="lambda")).__name__ == "IamAuthenticator"
    assert type(build_authenticator("none", env(), target="fastapi")).__name__ == "NoAuthenticator"


def test_jwt_settings_are_still_required() -> None:
    with pytest.raises(AuthConfigError, match="allowed audiences or allowed clients"):
        build_authenticator("jwt", env(AGENT_JWT_ALLOWED_CLIENTS=""), target="agentcore")


# -- what is still checked -----------------------------------------------------------------------------------


def test_signature_is_not_checked_that_is_the_runtimes_job(token: Any) -> None:
    good = token()
    head, body, _ = good.split(".")
    assert trusted().verify(f"{head}.{body}.AAAA").user_id == access_claims()["sub"]


def rejection(auth: RuntimeAuthorizedJwt, token: str) -> AuthError:
    with pytest.raises(AuthError) as caught:
        auth.authenticate(bearer(token))
    return caught.value


@dataclass(frozen=True)
class FromNow:
    """A time claim this many seconds from when the test runs. Parameters are made when the suite is
    collected, and a test may run many minutes later (after the slow groups under ``pytest -n 2``): a
    ``time.time() + 600`` taken then is already in the past."""

    seconds: int


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"exp": FromNow(-120)}, "The token has expired."),
        ({"exp": None}, "The token lacks a required claim."),
        ({"exp": "tomorrow"}, "The token has a malformed claim."),
        ({"nbf": FromNow(600)}, "The token is not yet valid."),
        ({"iat": FromNow(600)}, "The token is not yet valid."),
        ({"sub": None}, "The token subject is invalid."),
        ({"sub": "  "}, "The token subject is invalid."),
        ({"client_id": "some-other-app"}, "The token's client is not accepted."),
        ({"token_use": "id"}, "The token type is not accepted."),
        ({"iss": "https://evil.example.test/pool"}, "The token issuer is not accepted."),
        ({"iss": None}, "The token lacks a required claim."),
    ],
)
def test_claims_are_still_enforced(token: Any, overrides: dict[str, Any], message: str) -> None:
    now = int(time.time())
    claims = {
        name: now + value.seconds if isinstance(value, FromNow) else value
        for name, value in overrides.items()
    }
    error = rejection(trusted(), token(**claims))
    assert (error.status, error.message) == (401, message)


def test_leeway_applies_to_expiry(token: Any) -> None:
    assert trusted().verify(token(exp=int(time.time()) - 10)).user_id
    error = rejection(trusted(AGENT_JWT_LEEWAY_SECONDS="0"), token(exp=int(time.time()) - 10))
    assert error.message == "The token has expired."


def test_audience_scope_and_group_rules(token: Any) -> None:
    error = rejection(trusted(AGENT_JWT_ALLOWED_AUDIENCES="api://agent"), token())
    assert error.message == "The token audience is not accepted."
    assert trusted(AGENT_JWT_ALLOWED_AUDIENCES="api://agent").verify(token(aud="api://agent")).user_id
    error = rejection(trusted(AGENT_JWT_ALLOWED_SCOPES="agent/admin"), token())
    assert (error.status, error.code) == (403, "forbidden")
    error = rejection(trusted(AGENT_JWT_REQUIRED_GROUPS="admins"), token())
    assert (error.status, error.message) == (403, "The caller is not in a permitted group.")


def test_issuer_trailing_slash_is_tolerated(token: Any) -> None:
    assert trusted().verify(token(iss=ISSUER + "/")).user_id


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"alg": "none"}, "The token's signing algorithm is not allowed."),
        ({"alg": "HS256", "kid": "stub-rsa"}, "The token's signing algorithm is not allowed."),
        ({"alg": ["RS256"]}, "The token's signing algorithm is not allowed."),
        ({"alg": "RS256", "crit": ["exp"]}, "The token uses an unsupported critical header."),
    ],
)
def test_tokens_no_authorizer_would_accept_are_refused(header: dict[str, Any], message: str) -> None:
    error = rejection(trusted(), unsigned(header, access_claims(), "c2ln"))
    assert error.message == message


@pytest.mark.parametrize(
    "value",
    [
        "Bearer not-a-jwt",
        "Bearer a.b",
        f"Bearer {segment([1])}.{segment(access_claims())}.c2ln",
        f"Bearer {segment({'alg': 'RS256'})}.{segment('claims')}.c2ln",
        "Bearer e30.%%%.c2ln",
        "Bearer ünïcödé.a.b",
    ],
    # Fixed ids: the third value holds time claims, and xdist workers must collect the same test names.
    ids=[
        "not-a-jwt",
        "two-segments",
        "header-not-an-object",
        "claims-not-an-object",
        "bad-base64",
        "non-ascii",
    ],
)
def test_malformed_tokens_are_refused(value: str) -> None:
    with pytest.raises(AuthError) as caught:
        trusted().authenticate({"Authorization": value})
    assert caught.value.status == 401


def test_missing_or_wrong_scheme(token: Any) -> None:
    with pytest.raises(AuthError, match="A Bearer token is required"):
        trusted().authenticate({})
    with pytest.raises(AuthError, match="Use the Bearer authorization scheme"):
        trusted().authenticate({"Authorization": f"Basic {token()}"})
    with pytest.raises(AuthError, match="too large"):
        trusted().verify("a" * 20000)


def test_no_network_even_for_a_local_issuer(stub: StubIssuer, keys: dict[str, Any]) -> None:
    """The runtime already fetched the keys; this mode never contacts the issuer."""
    auth = build_authenticator(
        "jwt", stub.env(**{"runtime": "agentcore", "jwt_verify": "false"}), target="agentcore"
    )
    assert type(auth) is RuntimeAuthorizedJwt
    auth.warm()
    claims = access_claims(iss=stub.base_url)
    assert auth.authenticate(bearer(sign(claims, keys["rsa"], "stub-rsa"))).user_id == claims["sub"]
    assert sum(stub.hits.values()) == 0


def test_token_is_never_logged_or_echoed(token: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    auth = trusted()
    tokens = [token(), token(exp=int(time.time()) - 500), token(client_id="nope"), token(sub=None)]
    errors = []
    for value in tokens:
        try:
            auth.authenticate(bearer(value))
        except AuthError as error:
            errors.append(error)
    assert len(errors) == 3
    assert any("JWT rejected" in record.getMessage() for record in caplog.records)
    for value in tokens:
        for part in value.split("."):
            assert part not in caplog.text
            for refused in errors:
                assert part not in refused.message
                assert part not in str(refused.headers())
