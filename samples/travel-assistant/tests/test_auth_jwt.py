"""JWT bearer auth against a local issuer: an RSA key, a discovery document and a JWKS served on 127.0.0.1.

The project verifies tokens the way Cognito's are checked (``token_use``, ``client_id``, issuer, expiry,
signature from the issuer's JWKS). Here the issuer is a tiny ``http.server`` thread, so no network or AWS
account is involved; ``AGENT_JWT_*`` variables point the project at it, overriding the answers baked into
``RUNTIME_DEFAULTS``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from agent_scaffold_runtime.auth import AuthError, build_authenticator
from agent_scaffold_runtime.testing_oidc import LocalIssuer, new_key

from travel_assistant.settings import RUNTIME_DEFAULTS

HTTP_TARGETS = ["agentcore", "lambda", "fastapi"]


@pytest.fixture(autouse=True)
def jwt_auth(issuer: LocalIssuer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the project at the local issuer; a set (even blank) variable overrides the baked-in answer."""
    for name, value in issuer.env().items():
        monkeypatch.setenv(name, value)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_project_answers_ask_for_jwt() -> None:
    assert RUNTIME_DEFAULTS["auth"] == "jwt"


def test_a_valid_token_gives_the_principal(issuer: LocalIssuer) -> None:
    authenticator = build_authenticator(RUNTIME_DEFAULTS["auth"], defaults=RUNTIME_DEFAULTS)

    principal = authenticator.authenticate(bearer(issuer.token(scope="openid profile")))

    assert principal.user_id == "user-123"
    assert principal.auth_method == "jwt"
    assert principal.scopes == {"openid", "profile"}


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"expires_in": -3600}, "expired"),
        ({"client_id": "another-app"}, "client"),
        ({"token_use": "id"}, "type"),
        ({"iss": "https://issuer.example.com"}, "issuer"),
    ],
)
def test_a_token_that_does_not_fit_is_refused(
    issuer: LocalIssuer, claims: dict[str, Any], message: str
) -> None:
    authenticator = build_authenticator(RUNTIME_DEFAULTS["auth"], defaults=RUNTIME_DEFAULTS)

    with pytest.raises(AuthError, match=message) as refused:
        authenticator.authenticate(bearer(issuer.token(**claims)))

    assert refused.value.status == 401
    assert "invalid_token" in refused.value.headers()["www-authenticate"]


def test_a_token_signed_by_another_key_is_refused(issuer: LocalIssuer) -> None:
    other = dataclasses.replace(issuer, key=new_key())  # same issuer and key id, another key
    authenticator = build_authenticator(RUNTIME_DEFAULTS["auth"], defaults=RUNTIME_DEFAULTS)

    with pytest.raises(AuthError, match="signature"):
        authenticator.authenticate(bearer(other.token()))


@pytest.mark.parametrize("target", HTTP_TARGETS)
def test_a_valid_token_is_served(issuer: LocalIssuer, invoke: Callable[..., Any], target: str) -> None:
    response = invoke(target, "Hello", headers=bearer(issuer.token()))

    assert response.status == 200, response.body
    assert response.body["text"] == "You said: Hello"


@pytest.mark.parametrize("target", HTTP_TARGETS)
def test_no_token_is_a_401_with_a_challenge(invoke: Callable[..., Any], target: str) -> None:
    response = invoke(target, "Hello")

    assert response.status == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.body["code"] == "unauthorized"


@pytest.mark.parametrize("target", HTTP_TARGETS)
def test_an_expired_token_is_a_401(issuer: LocalIssuer, invoke: Callable[..., Any], target: str) -> None:
    response = invoke(target, "Hello", headers=bearer(issuer.token(expires_in=-3600)))

    assert response.status == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


@pytest.mark.parametrize("target", HTTP_TARGETS)
def test_the_token_subject_reaches_tools(
    issuer: LocalIssuer, invoke: Callable[..., Any], target: str
) -> None:
    """The identity tools see is the token's, scopes included: ``whoami`` needs ``profile``."""
    with_scope = invoke(target, "whoami", headers=bearer(issuer.token(scope="openid profile")))
    without_scope = invoke(target, "whoami", headers=bearer(issuer.token(scope="openid")))

    assert with_scope.body["text"] == "The whoami tool returned: user-123 (signed in with jwt)"
    assert without_scope.body["text"] == "You said: whoami"


@pytest.mark.parametrize("target", HTTP_TARGETS)
def test_sessions_belong_to_the_subject(issuer: LocalIssuer, invoke: Callable[..., Any], target: str) -> None:
    """Another user naming the same session id gets a session of their own."""
    first = invoke(target, "one two three", session_id="shared-session", headers=bearer(issuer.token()))
    again = invoke(target, "Hello", session_id="shared-session", headers=bearer(issuer.token()))
    other = invoke(target, "Hello", session_id="shared-session", headers=bearer(issuer.token(sub="user-456")))

    assert first.status == again.status == other.status == 200
    assert again.body["usage"]["input_tokens"] > other.body["usage"]["input_tokens"]
