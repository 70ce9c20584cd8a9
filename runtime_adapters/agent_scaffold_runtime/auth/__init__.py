"""Inbound identity: turn a request's credentials into a verified ``Principal``, or refuse it (401/403).

``build_authenticator(mode, env, defaults)`` picks the mode; the environment variable ``AGENT_AUTH`` overrides
``mode`` at run time:

* ``none``: everyone is ``identity.ANONYMOUS`` (local development, or a platform that authenticates alone).
* ``jwt``: ``Authorization: Bearer <jwt>`` from Cognito or any OIDC issuer, verified against the issuer's
  JWKS; configured with ``AGENT_JWT_DISCOVERY_URL``, ``AGENT_JWT_ALLOWED_AUDIENCES``,
  ``AGENT_JWT_ALLOWED_CLIENTS``, ``AGENT_JWT_ALLOWED_SCOPES``, ``AGENT_JWT_REQUIRED_GROUPS``,
  ``AGENT_JWT_TOKEN_USE``, ``AGENT_JWT_LEEWAY_SECONDS``, ``AGENT_JWT_JWKS_MIN_REFRESH_SECONDS`` and
  ``AGENT_JWT_JWKS_MAX_AGE_SECONDS`` (see ``auth.config``), or the same names as template answers.
* ``iam``: AWS SigV4 verified by the platform (Lambda Function URL ``AWS_IAM``, AgentCore); see ``auth.iam``.

In ``jwt`` mode the AgentCore target may trust the runtime's own JWT authorizer instead of verifying the
signature again: ``AGENT_JWT_VERIFY=false`` (default ``true``), allowed only with ``target="agentcore"`` and
``AGENT_RUNTIME=agentcore`` (set by the deploy step); see ``auth.trusted``.

Outbound identity (tokens for the agent's tools from AgentCore Identity, and an MCP client that sends them)
is in ``auth.outbound``. Its names are exported here but loaded on first access, so a Lambda cold start that
imports this package does not pay for them.

``authenticate`` is synchronous. With a warm key cache it does no I/O (well under a millisecond), so async
servers may call it inline; only the first JWT (or a key refresh, at most once per window) waits on the
network, which ``JwtVerifier.warm()`` can move to server start. Importing this package is cheap: PyJWT (and
``cryptography``) and ``urllib.request`` are imported on the first token.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..identity import ANONYMOUS, Principal
from .config import JwtConfig
from .errors import AuthConfigError, AuthError, AuthUnavailable
from .iam import IamAuthenticator
from .jwt_verifier import JwtVerifier
from .trusted import RuntimeAuthorizedJwt, runtime_authorized, verify_again

if TYPE_CHECKING:
    from .mcp import McpAuthRejected, bearer_headers, mcp_client
    from .outbound import ConsentRequired, OutboundAuthError, OutboundConfig, OutboundTokens

__all__ = [
    "AuthConfigError",
    "AuthError",
    "AuthUnavailable",
    "Authenticator",
    "ConsentRequired",
    "IamAuthenticator",
    "JwtConfig",
    "JwtVerifier",
    "McpAuthRejected",
    "NoAuthenticator",
    "OutboundAuthError",
    "OutboundConfig",
    "OutboundTokens",
    "RuntimeAuthorizedJwt",
    "bearer_headers",
    "build_authenticator",
    "mcp_client",
]

_OUTBOUND = frozenset({"ConsentRequired", "OutboundAuthError", "OutboundConfig", "OutboundTokens"})
_MCP = frozenset({"McpAuthRejected", "bearer_headers", "mcp_client"})


def __getattr__(name: str) -> Any:
    """Outbound and MCP names load their modules on first access, not at import (PEP 562)."""
    if name in _MCP:
        from . import mcp

        return getattr(mcp, name)
    if name in _OUTBOUND:
        from . import outbound

        return getattr(outbound, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


MODES = ("none", "jwt", "iam")


@runtime_checkable
class Authenticator(Protocol):
    def authenticate(
        self, headers: Mapping[str, str], request_context: Mapping[str, Any] | None = None
    ) -> Principal:
        """The caller's principal; raises ``AuthError`` (401/403) or ``AuthUnavailable`` (503).

        ``headers`` may use any case for names. ``request_context`` is the Lambda event's
        ``requestContext``; servers pass ``None``.
        """
        ...


class NoAuthenticator:
    """``AGENT_AUTH=none``: no credentials are read, every caller is anonymous."""

    def authenticate(
        self, headers: Mapping[str, str], request_context: Mapping[str, Any] | None = None
    ) -> Principal:
        return ANONYMOUS


def build_authenticator(
    mode: str,
    env: Mapping[str, str] | None = None,
    defaults: Mapping[str, Any] | None = None,
    *,
    target: str | None = None,
) -> Authenticator:
    """The authenticator for ``mode`` (``AGENT_AUTH`` wins); ``AuthConfigError`` for unusable settings.

    ``target`` is the adapter asking (``agentcore``, ``lambda``, ``fastapi``, ``local``): only the AgentCore
    one, on the runtime, may turn JWT signature verification off. No network here: a Lambda cold start or a
    server import never waits on the identity provider.
    """
    env = os.environ if env is None else env
    chosen = (env.get("AGENT_AUTH") or "").strip().lower() or (mode or "none").strip().lower()
    if chosen == "none":
        return NoAuthenticator()
    if chosen == "jwt":
        config = JwtConfig.from_settings(env, defaults)
        if verify_again(env, defaults):
            return JwtVerifier(config)
        return runtime_authorized(config, env, target)
    if chosen == "iam":
        return IamAuthenticator()
    raise AuthConfigError(f"Unknown auth mode {chosen!r}; use one of: {', '.join(MODES)}.")
