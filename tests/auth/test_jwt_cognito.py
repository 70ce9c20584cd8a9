"""Real Cognito tokens (moto user pool over HTTP) accepted, and authorised by scope and group."""

from __future__ import annotations

import jwt
import pytest
from agent_scaffold_runtime.auth import AuthError, JwtVerifier, build_authenticator
from agent_scaffold_runtime.errors import AdapterError

from .conftest import Cognito


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_pool_publishes_the_issuer_its_tokens_carry(cognito: Cognito) -> None:
    verifier = build_authenticator("jwt", env=cognito.env())
    assert isinstance(verifier, JwtVerifier)
    assert verifier.keys.issuer == cognito.issuer
    token = cognito.tokens("alice")["AccessToken"]
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert jwt.decode(token, options={"verify_signature": False})["iss"] == cognito.issuer


def test_access_token_gives_a_jwt_principal(cognito: Cognito) -> None:
    token = cognito.tokens("alice")["AccessToken"]
    principal = build_authenticator("jwt", env=cognito.env()).authenticate(bearer(token))
    assert principal.user_id == cognito.sub("alice")
    assert principal.auth_method == "jwt"
    assert principal.claims["client_id"] == cognito.client_id
    assert principal.claims["token_use"] == "access"
    assert principal.scopes == frozenset({"aws.cognito.signin.user.admin"})
    assert principal.groups == frozenset({"admins"})
    with pytest.raises(TypeError):
        principal.claims["sub"] = "someone-else"  # type: ignore[index]


def test_user_without_groups_has_none(cognito: Cognito) -> None:
    token = cognito.tokens("bob")["AccessToken"]
    principal = build_authenticator("jwt", env=cognito.env()).authenticate(bearer(token))
    assert principal.user_id == cognito.sub("bob")
    assert principal.groups == frozenset()


def test_header_name_and_scheme_are_case_insensitive(cognito: Cognito) -> None:
    token = cognito.tokens("alice")["AccessToken"]
    verifier = build_authenticator("jwt", env=cognito.env())
    for headers in ({"AUTHORIZATION": f"bearer {token}"}, {"authorization": f"BEARER  {token} "}):
        assert verifier.authenticate(headers).user_id == cognito.sub("alice")


def test_id_token_accepted_when_configured_for_id_tokens(cognito: Cognito) -> None:
    token = cognito.tokens("alice")["IdToken"]
    env = cognito.env(jwt_token_use="id", jwt_allowed_audiences=cognito.client_id, jwt_allowed_clients="")
    principal = build_authenticator("jwt", env=env).authenticate(bearer(token))
    assert principal.user_id == cognito.sub("alice")
    assert principal.claims["aud"] == cognito.client_id
    assert principal.claims["cognito:username"] == "alice"
    assert principal.groups == frozenset({"admins"})


def test_id_token_matches_allowed_clients_through_aud(cognito: Cognito) -> None:
    token = cognito.tokens("alice")["IdToken"]
    principal = build_authenticator("jwt", env=cognito.env(jwt_token_use="id")).authenticate(bearer(token))
    assert principal.user_id == cognito.sub("alice")


def test_token_use_any_accepts_both(cognito: Cognito) -> None:
    tokens = cognito.tokens("alice")
    verifier = build_authenticator("jwt", env=cognito.env(jwt_token_use="any"))
    for name in ("AccessToken", "IdToken"):
        assert verifier.authenticate(bearer(tokens[name])).user_id == cognito.sub("alice")


def test_baked_in_answers_configure_it_and_env_wins(cognito: Cognito) -> None:
    token = cognito.tokens("alice")["AccessToken"]
    answers = {"jwt_discovery_url": cognito.discovery_url, "jwt_allowed_clients": [cognito.other_client_id]}
    with pytest.raises(AuthError):
        build_authenticator("jwt", env={}, defaults=answers).authenticate(bearer(token))
    env = {"AGENT_JWT_ALLOWED_CLIENTS": f"{cognito.other_client_id}, {cognito.client_id}"}
    principal = build_authenticator("jwt", env=env, defaults=answers).authenticate(bearer(token))
    assert principal.user_id == cognito.sub("alice")


def test_agent_auth_env_overrides_the_mode(cognito: Cognito) -> None:
    token = cognito.tokens("alice")["AccessToken"]
    principal = build_authenticator("none", env=cognito.env(auth="jwt")).authenticate(bearer(token))
    assert principal.auth_method == "jwt"


def test_allowed_scope_present_is_accepted(cognito: Cognito) -> None:
    token = cognito.tokens("bob")["AccessToken"]
    env = cognito.env(jwt_allowed_scopes="agent/invoke, aws.cognito.signin.user.admin")
    assert build_authenticator("jwt", env=env).authenticate(bearer(token)).user_id == cognito.sub("bob")


def test_missing_allowed_scope_is_403(cognito: Cognito) -> None:
    token = cognito.tokens("alice")["AccessToken"]
    verifier = build_authenticator("jwt", env=cognito.env(jwt_allowed_scopes="agent/invoke"))
    with pytest.raises(AuthError) as caught:
        verifier.authenticate(bearer(token))
    error = caught.value
    assert isinstance(error, AdapterError)
    assert (error.status, error.code) == (403, "forbidden")
    assert error.www_authenticate is not None
    assert 'error="insufficient_scope"' in error.www_authenticate
    assert 'scope="agent/invoke"' in error.www_authenticate
    assert error.body() == {"error": "The token lacks a required scope.", "code": "forbidden"}


def test_required_group_any_of(cognito: Cognito) -> None:
    verifier = build_authenticator("jwt", env=cognito.env(jwt_required_groups="auditors,admins"))
    alice = verifier.authenticate(bearer(cognito.tokens("alice")["AccessToken"]))
    assert alice.in_any_group({"admins"})
    with pytest.raises(AuthError) as caught:
        verifier.authenticate(bearer(cognito.tokens("bob")["AccessToken"]))
    assert (caught.value.status, caught.value.code) == (403, "forbidden")
    assert caught.value.body()["error"] == "The caller is not in a permitted group."


def test_group_not_held_is_403_even_for_admins(cognito: Cognito) -> None:
    verifier = build_authenticator("jwt", env=cognito.env(jwt_required_groups="auditors"))
    with pytest.raises(AuthError) as caught:
        verifier.authenticate(bearer(cognito.tokens("alice")["AccessToken"]))
    assert caught.value.status == 403
