"""AgentCore trusted-authorizer mode: read the caller from a JWT the AgentCore runtime already verified.

An AgentCore Runtime configured with a custom JWT authorizer checks the bearer token's signature, issuer,
expiry and allowed clients/audiences before the request reaches the container, and forwards the
``Authorization`` header to it (the runtime must list ``Authorization`` in its request header allow-list).
Verifying the signature again costs a JWKS fetch per key rotation and nothing else, so the default stays
"verify again" (``AGENT_JWT_VERIFY=true``); ``AGENT_JWT_VERIFY=false`` switches to ``RuntimeAuthorizedJwt``,
which decodes the claims without checking the signature.

Skipping the signature is safe only where nobody but the runtime can reach the server, so
``build_authenticator`` allows it only when both hold:

* the adapter is the AgentCore one (``target="agentcore"``), and
* the process runs on AgentCore Runtime, which the deploy step declares with ``AGENT_RUNTIME=agentcore``.
  Neither the runtime nor the bedrock-agentcore SDK gives a reliable signal of its own: the SDK only looks
  at ``DOCKER_CONTAINER`` and ``/.dockerenv``, which every local container has too.

Anything else (FastAPI, Lambda, a local ``serve`` of the AgentCore app) raises ``AuthConfigError`` at start.

Even unverified, the claims are held to everything that needs no key (defence in depth against a runtime
whose authorizer is missing or set up for another app): a well-formed JWT whose header names an allowed
asymmetric algorithm (an ``alg: none`` or HS256 token means no authorizer stood in front), the issuer the
discovery URL implies, ``exp`` not past and ``nbf``/``iat`` not in the future (with the configured leeway),
and the same ``sub``, ``token_use``, audience, client, scope and group rules as ``JwtVerifier``. Failures
are the same fixed messages, and the token is never logged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from ..env_values import flag
from ..identity import Principal
from .config import JwtConfig
from .errors import AuthConfigError, AuthError
from .jwt_verifier import (
    JwtVerifier,
    bearer_token,
    checked_header,
    json_segment,
    numeric_date,
    rejections_logged,
)

RUNTIME_ENV = "AGENT_RUNTIME"
VERIFY_ENV = "AGENT_JWT_VERIFY"
AGENTCORE = "agentcore"
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


def running_on_agentcore(env: Mapping[str, str]) -> bool:
    """Whether the deploy step declared this process an AgentCore Runtime container (``AGENT_RUNTIME``)."""
    return (env.get(RUNTIME_ENV) or "").strip().lower() == AGENTCORE


def verify_again(env: Mapping[str, str], defaults: Mapping[str, Any] | None = None) -> bool:
    """``AGENT_JWT_VERIFY`` (or the answer ``jwt_verify``); unset or blank means ``true``.

    Anything but a clear yes/no is refused: a typo must not be read as "skip the signature".
    """
    if VERIFY_ENV in env:
        raw: Any = env[VERIFY_ENV]
    else:
        raw = (defaults or {}).get("jwt_verify")
    if raw is None or isinstance(raw, bool):
        return raw is not False
    try:
        return flag({VERIFY_ENV: str(raw)}, VERIFY_ENV, default=True)
    except ValueError as error:
        raise AuthConfigError(str(error)) from None


def runtime_authorized(config: JwtConfig, env: Mapping[str, str], target: str | None) -> RuntimeAuthorizedJwt:
    """``RuntimeAuthorizedJwt`` where the runtime's authorizer can be trusted, else ``AuthConfigError``."""
    if target != AGENTCORE:
        raise AuthConfigError(
            f"{VERIFY_ENV}=false is only allowed on the AgentCore target, whose runtime verifies the JWT "
            f"before the request arrives; this is the {target or 'unknown'} target, so tokens must be "
            "verified here. Remove AGENT_JWT_VERIFY or set it to true."
        )
    if not running_on_agentcore(env):
        raise AuthConfigError(
            f"{VERIFY_ENV}=false is only allowed on AgentCore Runtime (the deploy step sets "
            f"{RUNTIME_ENV}=agentcore); off the runtime nothing has verified the token. "
            "Remove AGENT_JWT_VERIFY (or set it to true) for local runs."
        )
    return RuntimeAuthorizedJwt(config)


class RuntimeAuthorizedJwt:
    """An ``Authenticator``: the forwarded bearer JWT's claims, decoded without a signature check.

    Build it through ``build_authenticator`` (which enforces where it may run), not directly.
    """

    def __init__(self, config: JwtConfig, *, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self._clock = clock
        # The claim policy (token_use, aud, client, sub, scopes, groups) is JwtVerifier's, so the two modes
        # cannot drift; its key store is never used here, so nothing is fetched.
        self._policy = JwtVerifier(config)
        self._issuer = _issuer_from_discovery(config.discovery_url)

    def warm(self) -> None:
        """Nothing to fetch: no keys are needed."""

    def authenticate(
        self, headers: Mapping[str, str], request_context: Mapping[str, Any] | None = None
    ) -> Principal:
        return self.verify(bearer_token(headers, self.config.max_token_bytes))

    def verify(self, token: str) -> Principal:
        """The principal for a token the runtime accepted; ``AuthError`` (401/403) if its claims are not."""
        with rejections_logged():
            return self._policy._principal(self._claims(token))

    def _claims(self, token: str) -> dict[str, Any]:
        checked_header(token, self.config)
        claims = json_segment(token.split(".")[1])
        issuer = _normal_issuer(claims.get("iss"))
        if issuer is None:
            raise AuthError.invalid_token("The token lacks a required claim.")
        if self._issuer is not None and issuer != self._issuer:
            raise AuthError.invalid_token("The token issuer is not accepted.")
        self._check_times(claims)
        return claims

    def _check_times(self, claims: Mapping[str, Any]) -> None:
        now = self._clock()
        leeway = self.config.leeway_seconds
        exp = claims.get("exp")
        if exp is None:
            raise AuthError.invalid_token("The token lacks a required claim.")
        if not numeric_date(exp):
            raise AuthError.invalid_token("The token has a malformed claim.")
        if exp + leeway <= now:
            raise AuthError.invalid_token("The token has expired.")
        for name in ("nbf", "iat"):
            value = claims.get(name)
            if value is None:
                continue
            if not numeric_date(value):
                raise AuthError.invalid_token("The token has a malformed claim.")
            if value - leeway > now:
                raise AuthError.invalid_token("The token is not yet valid.")


def _issuer_from_discovery(discovery_url: str) -> str | None:
    """OIDC Discovery serves the document at ``<issuer>/.well-known/openid-configuration``: that issuer."""
    if discovery_url.endswith(DISCOVERY_SUFFIX):
        return discovery_url[: -len(DISCOVERY_SUFFIX)].rstrip("/")
    return None


def _normal_issuer(value: Any) -> str | None:
    """Issuers differ in a trailing slash only (Auth0 adds one); anything else must match exactly."""
    return value.rstrip("/") if isinstance(value, str) else None
