"""Choosing and configuring the authenticator: modes, env over answers, refusing unsafe settings."""

from __future__ import annotations

import subprocess
import sys

import pytest
from agent_scaffold_runtime.auth import (
    AuthConfigError,
    AuthError,
    IamAuthenticator,
    JwtConfig,
    JwtVerifier,
    NoAuthenticator,
    build_authenticator,
)
from agent_scaffold_runtime.errors import AdapterError
from agent_scaffold_runtime.identity import ANONYMOUS

URL = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example/.well-known/openid-configuration"


def test_none_is_anonymous_whatever_the_headers() -> None:
    auth = build_authenticator("none", env={})
    assert isinstance(auth, NoAuthenticator)
    assert auth.authenticate({"Authorization": "Bearer whatever"}) is ANONYMOUS
    assert auth.authenticate({}, {"authorizer": {}}) is ANONYMOUS


def test_modes_and_env_override() -> None:
    assert isinstance(build_authenticator("iam", env={}), IamAuthenticator)
    assert isinstance(build_authenticator("none", env={"AGENT_AUTH": " IAM "}), IamAuthenticator)
    assert isinstance(build_authenticator("iam", env={"AGENT_AUTH": "none"}), NoAuthenticator)
    assert isinstance(build_authenticator("iam", env={"AGENT_AUTH": ""}), IamAuthenticator)
    jwt_env = {"AGENT_JWT_DISCOVERY_URL": URL, "AGENT_JWT_ALLOWED_CLIENTS": "abc"}
    assert isinstance(build_authenticator("JWT", env=jwt_env), JwtVerifier)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(AuthConfigError, match="Unknown auth mode"):
        build_authenticator("cognito", env={})


def test_answers_fill_in_and_env_wins() -> None:
    answers = {
        "jwt_discovery_url": URL,
        "jwt_allowed_audiences": ["aud-1", "aud-2"],
        "jwt_allowed_scopes": "agent/invoke",
        "jwt_token_use": "id",
        "jwt_leeway_seconds": 10,
    }
    config = JwtConfig.from_settings({}, answers)
    assert config.allowed_audiences == {"aud-1", "aud-2"}
    assert config.allowed_scopes == {"agent/invoke"}
    assert (config.token_use, config.leeway_seconds) == ("id", 10)
    env = {
        "AGENT_JWT_ALLOWED_AUDIENCES": " aud-3 ,, aud-4 ",
        "AGENT_JWT_ALLOWED_SCOPES": "",
        "AGENT_JWT_TOKEN_USE": "ANY",
        "AGENT_JWT_LEEWAY_SECONDS": "",
        "AGENT_JWT_REQUIRED_GROUPS": "admins,ops",
    }
    config = JwtConfig.from_settings(env, answers)
    assert config.allowed_audiences == {"aud-3", "aud-4"}
    assert config.allowed_scopes == frozenset()  # a blank variable clears the baked-in answer
    assert config.required_groups == {"admins", "ops"}
    assert (config.token_use, config.leeway_seconds) == ("any", 30)
    assert (config.jwks_min_refresh_seconds, config.jwks_max_age_seconds) == (60.0, 3600.0)


OK = {"AGENT_JWT_DISCOVERY_URL": URL, "AGENT_JWT_ALLOWED_CLIENTS": "abc"}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AGENT_JWT_ALLOWED_CLIENTS": "abc"}, "DISCOVERY_URL"),
        ({"AGENT_JWT_DISCOVERY_URL": URL}, "allowed audiences or allowed clients"),
        ({**OK, "AGENT_JWT_ALLOWED_CLIENTS": " , "}, "allowed audiences or allowed clients"),
        (
            {**OK, "AGENT_JWT_DISCOVERY_URL": "http://issuer.example.com/.well-known/openid-configuration"},
            "https",
        ),
        ({**OK, "AGENT_JWT_DISCOVERY_URL": "file:///etc/passwd"}, "https"),
        ({**OK, "AGENT_JWT_TOKEN_USE": "refresh"}, "TOKEN_USE"),
        ({**OK, "AGENT_JWT_LEEWAY_SECONDS": "3600"}, "LEEWAY"),
        ({**OK, "AGENT_JWT_LEEWAY_SECONDS": "soon"}, "number"),
        ({**OK, "AGENT_JWT_JWKS_MAX_AGE_SECONDS": "0"}, "positive"),
    ],
)
def test_unusable_settings_are_refused_at_build_time(env: dict[str, str], message: str) -> None:
    with pytest.raises(AuthConfigError, match=message):
        build_authenticator("jwt", env=env)


def test_symmetric_algorithms_cannot_be_allowed() -> None:
    with pytest.raises(AuthConfigError):
        JwtConfig(discovery_url=URL, allowed_clients=frozenset({"abc"}), algorithms=frozenset({"HS256"}))


def test_auth_error_is_an_adapter_error() -> None:
    error = AuthError.invalid_token("The token has expired.")
    assert isinstance(error, AdapterError)
    assert (error.status, error.code) == (401, "unauthorized")
    assert error.body() == {"error": "The token has expired.", "code": "unauthorized"}
    assert error.www_authenticate == (
        'Bearer realm="agent", error="invalid_token", error_description="The token has expired."'
    )
    assert (AuthError.forbidden("no").status, AuthError.forbidden("no").code) == (403, "forbidden")
    with pytest.raises(ValueError):
        AuthError("teapot", status=418)


def test_building_does_no_network_and_imports_stay_light() -> None:
    """A Lambda cold start builds the authenticator at import: no PyJWT, no urllib.request, no fetch."""
    code = (
        "import sys\n"
        "from agent_scaffold_runtime.auth import build_authenticator\n"
        "build_authenticator('jwt', env={'AGENT_JWT_DISCOVERY_URL': 'https://127.0.0.2:9/.well-known/x',"
        " 'AGENT_JWT_ALLOWED_CLIENTS': 'abc'})\n"
        "heavy = ('jwt', 'cryptography', 'urllib.request', 'http.client')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
