"""Bearer JWT verification (Cognito or any OIDC issuer), checked the way AgentCore's JWT authorizer does.

Cheap structural checks run first (size, scheme, three base64url segments, a JSON header naming an allowed
asymmetric algorithm and a key id, no ``crit``), so junk is refused before PyJWT is imported or a key is
looked up. PyJWT then verifies the signature with the issuer's key (bound to the header's algorithm after
checking the key's type and curve fit it), the exact issuer, ``exp``/``nbf``/``iat`` with leeway and the
required claims; audience, client, ``token_use``, scopes and groups are checked here.

Every failure is an ``AuthError`` with one of the fixed descriptions below: PyJWT's own messages are not
passed on, and exceptions are raised ``from None`` so no traceback carries token material either.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from ..identity import Principal
from .config import JwtConfig
from .errors import AuthError
from .jwks import Clock, KeyStore

logger = logging.getLogger("agent_scaffold_runtime.auth")

_JWT_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
#: Which key type (and EC curve) each algorithm needs, so an RSA key is never asked to verify ES256.
_KEY_FOR_ALG = {
    **{alg: ("RSA", None) for alg in ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")},
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "ES512": ("EC", "P-521"),
}

MALFORMED = "The token is not a well-formed JWT."
BAD_SIGNATURE = "The token signature is invalid."


class JwtVerifier:
    """Verifies ``Authorization: Bearer <jwt>``; an ``Authenticator`` for ``AGENT_AUTH=jwt``."""

    def __init__(self, config: JwtConfig, *, clock: Clock = time.monotonic) -> None:
        self.config = config
        self.keys = KeyStore(
            config.discovery_url,
            timeout=config.fetch_timeout_seconds,
            min_refresh_seconds=config.jwks_min_refresh_seconds,
            max_age_seconds=config.jwks_max_age_seconds,
            clock=clock,
        )

    def warm(self) -> None:
        """Fetch the discovery document and keys now, so the first request does not wait on the network."""
        self.keys.warm()

    def authenticate(
        self, headers: Mapping[str, str], request_context: Mapping[str, Any] | None = None
    ) -> Principal:
        return self.verify(bearer_token(headers, self.config.max_token_bytes))

    async def authenticate_async(
        self, headers: Mapping[str, str], request_context: Mapping[str, Any] | None = None
    ) -> Principal:
        """``authenticate`` for an event loop: a key fetch is awaited, never run on the loop's thread."""
        with rejections_logged():
            token = bearer_token(headers, self.config.max_token_bytes)
            alg, kid = self._checked_header(token)
            jwk = await self.keys.key_async(kid)
            return self._principal(self._claims_with(token, alg, kid, jwk))

    def verify(self, token: str) -> Principal:
        """The principal for a valid token; ``AuthError`` (401/403) otherwise."""
        with rejections_logged():
            alg, kid = self._checked_header(token)
            return self._principal(self._claims_with(token, alg, kid, self.keys.key(kid)))

    def _checked_header(self, token: str) -> tuple[str, str]:
        """``checked_header``, and a key id to look the signing key up by."""
        header = checked_header(token, self.config)
        alg, kid = header["alg"], header.get("kid")
        if not isinstance(kid, str) or not kid or len(kid) > 256:
            raise AuthError.invalid_token("The token does not name a signing key.")
        return alg, kid

    def _claims_with(self, token: str, alg: str, kid: str, jwk: Mapping[str, Any] | None) -> dict[str, Any]:
        if jwk is None:
            raise AuthError.invalid_token("The token's signing key is not known.")
        kty, crv = _KEY_FOR_ALG[alg]
        if jwk.get("kty") != kty or (crv and jwk.get("crv") != crv) or jwk.get("alg", alg) != alg:
            raise AuthError.invalid_token("The token's algorithm does not match its signing key.")
        return self._decode(token, kid, jwk, alg)

    def _decode(self, token: str, kid: str, jwk: Mapping[str, Any], alg: str) -> dict[str, Any]:
        import jwt

        issuer = self.keys.issuer
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=self.keys.parsed(kid, jwk, alg),
                algorithms=[alg],
                issuer=issuer,
                leeway=self.config.leeway_seconds,
                options={
                    "require": ["exp", "iss", "sub"],
                    "verify_aud": False,  # checked below, together with client_id and token_use
                    "enforce_minimum_key_length": True,
                },
            )
        except jwt.PyJWTError as error:
            raise AuthError.invalid_token(_describe(error)) from None
        except Exception:  # a broken key or signature encoding must still be a 401, never a 500
            raise AuthError.invalid_token(BAD_SIGNATURE) from None
        check_numeric_dates(claims)
        return claims

    def _principal(self, claims: dict[str, Any]) -> Principal:
        config = self.config
        token_use = claims.get("token_use")
        if config.token_use == "any":
            if token_use not in (None, "access", "id"):
                raise AuthError.invalid_token("The token type is not accepted.")
        elif token_use != config.token_use:
            raise AuthError.invalid_token("The token type is not accepted.")
        if config.allowed_audiences and not _strings(claims.get("aud")) & config.allowed_audiences:
            raise AuthError.invalid_token("The token audience is not accepted.")
        if config.allowed_clients and not _client_ids(claims) & config.allowed_clients:
            raise AuthError.invalid_token("The token's client is not accepted.")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.strip() or len(sub) > 1024:
            raise AuthError.invalid_token("The token subject is invalid.")
        scopes = _strings(claims.get("scope"), split=True) | _strings(claims.get("scp"), split=True)
        groups = _strings(claims.get("cognito:groups")) | _strings(claims.get("groups"))
        if config.allowed_scopes and not scopes & config.allowed_scopes:
            raise AuthError.insufficient_scope("The token lacks a required scope.", config.allowed_scopes)
        if config.required_groups and not groups & config.required_groups:
            raise AuthError.forbidden("The caller is not in a permitted group.")
        return Principal(
            user_id=sub,
            auth_method="jwt",
            claims=MappingProxyType(claims),
            scopes=scopes,
            groups=groups,
        )


def bearer_token(headers: Mapping[str, str], max_bytes: int) -> str:
    """The token from ``Authorization: Bearer <token>``; header names are matched case-insensitively.

    Exactly one ``Authorization`` header is accepted. Servers hand over every header line (Starlette's
    ``Headers.items()`` lists repeats), Lambda joins repeats with commas (HTTP API, Function URL, and the
    REST API's ``multiValueHeaders`` as parsed by the adapter): a second header, or a comma (never part of a
    token68 value), is refused, so no proxy and no adapter can disagree about which one was checked.
    """
    values = [raw for name, raw in headers.items() if name.lower() == "authorization"]
    if not values:
        raise AuthError.missing_bearer()
    if len(values) > 1 or "," in values[0]:
        raise AuthError.invalid_token("Send exactly one Authorization header with one Bearer token.")
    value = values[0]
    if len(value) > max_bytes + 64:
        raise AuthError.invalid_token("The token is too large.")
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise AuthError.invalid_token("Use the Bearer authorization scheme.")
    token = token.strip()
    if not token:
        raise AuthError.invalid_token("The Bearer token is empty.")
    return token


@contextmanager
def rejections_logged() -> Iterator[None]:
    """Log a refused token's reason (never the token) and let the ``AuthError`` go on to the adapter."""
    try:
        yield
    except AuthError as error:
        logger.info("JWT rejected (%s): %s", error.status, error.message)
        raise


def checked_header(token: str, config: JwtConfig) -> dict[str, Any]:
    """The token's header after the checks that need no key: size, shape, an allowed algorithm, no ``crit``.

    Both modes run them, ``JwtVerifier`` before the key lookup and ``RuntimeAuthorizedJwt`` instead of it.
    """
    if len(token) > config.max_token_bytes:
        raise AuthError.invalid_token("The token is too large.")
    if not token.isascii() or not _JWT_SHAPE.fullmatch(token):
        raise AuthError.invalid_token(MALFORMED)
    header = json_segment(token.split(".", 1)[0])
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in config.algorithms:
        raise AuthError.invalid_token("The token's signing algorithm is not allowed.")
    if "crit" in header:
        raise AuthError.invalid_token("The token uses an unsupported critical header.")
    return header


def json_segment(segment: str) -> dict[str, Any]:
    """One base64url segment of a JWT decoded as a JSON object, or the fixed "not well-formed" 401."""
    try:
        value = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError):
        raise AuthError.invalid_token(MALFORMED) from None
    if not isinstance(value, dict):
        raise AuthError.invalid_token(MALFORMED)
    return value


def numeric_date(value: Any) -> bool:
    """A JSON number (RFC 7519 NumericDate); PyJWT also takes numeric strings, which issuers never send."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_numeric_dates(claims: Mapping[str, Any]) -> None:
    """``exp``, ``nbf`` and ``iat``, where present, are ``numeric_date``s."""
    for name in ("exp", "nbf", "iat"):
        value = claims.get(name)
        if value is not None and not numeric_date(value):
            raise AuthError.invalid_token("The token has a malformed claim.")


def _describe(error: Exception) -> str:
    """A fixed description per PyJWT failure; PyJWT's own text is never passed on."""
    import jwt

    if isinstance(error, jwt.ExpiredSignatureError):
        return "The token has expired."
    if isinstance(error, jwt.ImmatureSignatureError):
        return "The token is not yet valid."
    if isinstance(error, jwt.InvalidIssuerError):
        return "The token issuer is not accepted."
    if isinstance(error, jwt.MissingRequiredClaimError):
        return "The token lacks a required claim."
    if isinstance(error, (jwt.InvalidIssuedAtError, jwt.exceptions.InvalidSubjectError)):
        return "The token has a malformed claim."
    if isinstance(error, jwt.InvalidSignatureError):
        return BAD_SIGNATURE
    if isinstance(error, jwt.InvalidKeyError):
        return "The token's signing key is not acceptable."
    if isinstance(error, jwt.DecodeError):
        return MALFORMED
    return "The token is invalid."


def _strings(value: Any, *, split: bool = False) -> frozenset[str]:
    """A claim that may be one string or a list of strings, as a set (other types count as absent)."""
    if isinstance(value, str):
        return frozenset(value.split()) if split else frozenset([value])
    if isinstance(value, list):
        return frozenset(item for item in value if isinstance(item, str))
    return frozenset()


def _client_ids(claims: Mapping[str, Any]) -> frozenset[str]:
    """Cognito access tokens carry ``client_id``; OIDC ones ``azp``; ID tokens only ``aud``."""
    for name in ("client_id", "azp"):
        if isinstance(claims.get(name), str):
            return frozenset([claims[name]])
    return _strings(claims.get("aud")) if claims.get("token_use") == "id" else frozenset()
