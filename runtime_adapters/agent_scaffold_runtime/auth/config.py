"""JWT settings, shaped like AgentCore's custom JWT authorizer so one set of answers configures both.

Each setting comes from an environment variable when it is set (so an operator can change it at deploy time)
and otherwise from the template answers baked into the project (``defaults``, the same names without the
``AGENT_`` prefix, lowercased). A variable that is set wins even when blank: a blank list clears the answer,
a blank number falls back to the built-in default.

* ``AGENT_JWT_DISCOVERY_URL`` (``jwt_discovery_url``): the issuer's ``.well-known/openid-configuration``.
* ``AGENT_JWT_ALLOWED_AUDIENCES`` (``jwt_allowed_audiences``): comma-separated; ``aud`` must name one.
* ``AGENT_JWT_ALLOWED_CLIENTS`` (``jwt_allowed_clients``): comma-separated; ``client_id`` must be one
  (``azp`` for OIDC issuers, ``aud`` for ID tokens, which carry no ``client_id``).
* ``AGENT_JWT_ALLOWED_SCOPES`` (``jwt_allowed_scopes``): comma-separated; the token needs at least one of
  them (else 403). Scopes come from the space-separated ``scope`` claim and the ``scp`` list.
* ``AGENT_JWT_REQUIRED_GROUPS`` (``jwt_required_groups``): comma-separated; the caller must be in at least
  one (else 403). Groups come from ``cognito:groups`` and ``groups``.
* ``AGENT_JWT_TOKEN_USE`` (``jwt_token_use``): ``access`` (default), ``id`` or ``any``.
* ``AGENT_JWT_LEEWAY_SECONDS`` (``jwt_leeway_seconds``): clock skew allowed on ``exp``/``nbf``/``iat`` (30).
* ``AGENT_JWT_JWKS_MIN_REFRESH_SECONDS`` (``jwt_jwks_min_refresh_seconds``): at most one JWKS fetch per
  this many seconds for unknown key ids (60).
* ``AGENT_JWT_JWKS_MAX_AGE_SECONDS`` (``jwt_jwks_max_age_seconds``): keys this old are refetched, so a key
  the issuer revoked stops verifying (3600).

At least one of the audience and client lists must be set: otherwise any token the issuer mints for any of its
applications would be accepted. ``token_use`` ``any`` also accepts tokens without a ``token_use`` claim, which
is what non-Cognito issuers send.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from .errors import AuthConfigError

TokenUse = Literal["access", "id", "any"]

#: Asymmetric only: ``none`` and HS* (a shared secret, which a public JWKS cannot hold) never verify.
ALLOWED_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True)
class JwtConfig:
    discovery_url: str
    allowed_audiences: frozenset[str] = frozenset()
    allowed_clients: frozenset[str] = frozenset()
    allowed_scopes: frozenset[str] = frozenset()
    required_groups: frozenset[str] = frozenset()
    token_use: TokenUse = "access"
    leeway_seconds: int = 30
    jwks_min_refresh_seconds: float = 60.0
    jwks_max_age_seconds: float = 3600.0
    fetch_timeout_seconds: float = 3.0
    max_token_bytes: int = 16384
    algorithms: frozenset[str] = ALLOWED_ALGORITHMS

    def __post_init__(self) -> None:
        check_fetch_url(self.discovery_url, "the JWT discovery URL")
        if not self.allowed_audiences and not self.allowed_clients:
            raise AuthConfigError(
                "JWT auth needs allowed audiences or allowed clients "
                "(AGENT_JWT_ALLOWED_AUDIENCES / AGENT_JWT_ALLOWED_CLIENTS)."
            )
        if self.token_use not in ("access", "id", "any"):
            raise AuthConfigError("AGENT_JWT_TOKEN_USE must be access, id or any.")
        if not 0 <= self.leeway_seconds <= 300:
            raise AuthConfigError("AGENT_JWT_LEEWAY_SECONDS must be between 0 and 300.")
        if self.jwks_min_refresh_seconds < 0 or self.jwks_max_age_seconds <= 0:
            raise AuthConfigError("JWKS refresh windows must be positive.")
        if not self.algorithms or not self.algorithms <= ALLOWED_ALGORITHMS:
            raise AuthConfigError("Only RSA and EC signing algorithms can be allowed.")

    @classmethod
    def from_settings(
        cls, env: Mapping[str, str] | None = None, defaults: Mapping[str, Any] | None = None
    ) -> JwtConfig:
        settings = _Settings(os.environ if env is None else env, defaults or {})
        url = settings.text("jwt_discovery_url")
        if not url:
            raise AuthConfigError("JWT auth needs AGENT_JWT_DISCOVERY_URL (the issuer's discovery URL).")
        return cls(
            discovery_url=url,
            allowed_audiences=settings.names("jwt_allowed_audiences"),
            allowed_clients=settings.names("jwt_allowed_clients"),
            allowed_scopes=settings.names("jwt_allowed_scopes"),
            required_groups=settings.names("jwt_required_groups"),
            token_use=cast(TokenUse, (settings.text("jwt_token_use") or "access").lower()),
            leeway_seconds=int(settings.number("jwt_leeway_seconds", 30)),
            jwks_min_refresh_seconds=settings.number("jwt_jwks_min_refresh_seconds", 60.0),
            jwks_max_age_seconds=settings.number("jwt_jwks_max_age_seconds", 3600.0),
        )


def check_fetch_url(url: str, what: str) -> None:
    """Keys must come over HTTPS; plain HTTP only to this machine (local issuers, emulators)."""
    from urllib.parse import urlsplit  # lazily: only jwt mode needs it

    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return
    raise AuthConfigError(f"{what} must be an https:// URL (http:// only for localhost).")


class _Settings:
    """Looks a key up as ``AGENT_<KEY>`` in the environment, then as ``<key>`` in the baked-in answers."""

    def __init__(self, env: Mapping[str, str], defaults: Mapping[str, Any]) -> None:
        self._env = env
        self._defaults = defaults

    def raw(self, key: str) -> Any:
        env_name = "AGENT_" + key.upper()
        if env_name in self._env:
            return self._env[env_name]
        return self._defaults.get(key)

    def text(self, key: str) -> str:
        value = self.raw(key)
        return "" if value is None else str(value).strip()

    def names(self, key: str) -> frozenset[str]:
        value = self.raw(key)
        if value is None:
            return frozenset()
        items = value.split(",") if isinstance(value, str) else [str(item) for item in value]
        return frozenset(item.strip() for item in items if item.strip())

    def number(self, key: str, default: float) -> float:
        value = self.text(key)
        if not value:
            return default
        try:
            return float(value)
        except ValueError:
            raise AuthConfigError(f"AGENT_{key.upper()} must be a number.") from None
