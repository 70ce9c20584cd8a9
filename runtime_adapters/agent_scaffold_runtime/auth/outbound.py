"""Outbound identity: OAuth2 tokens for the agent's tools from AgentCore Identity, and MCP clients using them.

A tool that calls another service on the caller's behalf needs a token for that service, not the caller's
own. AgentCore Identity hands one out from an OAuth2 credential provider in exchange for a *workload access
token* (which names this agent and the user):

* On AgentCore Runtime the runtime mints the workload access token for each request and sends it in the
  ``WorkloadAccessToken`` header; the SDK's app keeps it in ``BedrockAgentCoreContext``, where this module
  reads it (or pass ``workload_token=`` explicitly).
* Anywhere else (local runs, Lambda, FastAPI) it is minted here for a named workload identity
  (``AGENT_OUTBOUND_WORKLOAD_NAME``) and the principal's user id (``GetWorkloadAccessTokenForUserId``), or for
  the caller's own JWT if one is passed (``GetWorkloadAccessTokenForJWT``). The SDK's decorators take a third
  path here, which creates a workload identity and writes ``.agentcore.json`` into the working directory;
  this module never does (a deployed artifact's directory may be read-only or shared between users).

Then ``GetResourceOauth2Token`` returns the token. It is cached per (principal, provider, scopes, flow) until
``AGENT_OUTBOUND_CACHE_SECONDS`` (300) have passed or, for a JWT, a minute before its ``exp`` (the API does
not say when a token expires; an opaque token is only held for the cap). Tokens are never logged; botocore's
DEBUG lines for these calls (which print request and response bodies) are dropped for the same reason.

The data plane is called with boto3 directly, not through the SDK's ``IdentityClient``: that client reads
its endpoint override only from the environment at import, always creates a control-plane client too, runs
blocking calls on the event loop, and for ``USER_FEDERATION`` polls for up to ten minutes inside the request.
Here a consent URL is raised as ``ConsentRequired`` for the application to show the user.

Settings (``OutboundConfig.from_env``):

* ``AGENT_OUTBOUND_PROVIDER``: the OAuth2 credential provider's name (required).
* ``AGENT_OUTBOUND_SCOPES``: scopes to request, separated by commas or spaces.
* ``AGENT_OUTBOUND_FLOW``: ``M2M`` (default), ``USER_FEDERATION`` or ``ON_BEHALF_OF_TOKEN_EXCHANGE``.
* ``AGENT_OUTBOUND_WORKLOAD_NAME``: the workload identity used off AgentCore Runtime.
* ``AGENT_OUTBOUND_CALLBACK_URL``: ``USER_FEDERATION`` return URL (on the runtime, the request's own is used).
* ``AGENT_OUTBOUND_CACHE_SECONDS``: longest a token is reused (300; ``0`` turns caching off).
* ``AGENT_AWS_ENDPOINT_URL``, ``AWS_REGION`` / ``AWS_DEFAULT_REGION``: where AgentCore Identity is.
* ``AGENT_RUNTIME=agentcore`` (set by the deploy step): on the runtime a missing workload token is an error,
  never a reason to mint one.

Importing this module is cheap (no asyncio either): boto3, bedrock_agentcore, mcp and Strands are imported on
first use.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from ..identity import Principal
from .config import check_fetch_url
from .errors import AuthConfigError
from .trusted import running_on_agentcore

logger = logging.getLogger("agent_scaffold_runtime.auth.outbound")

Flow = Literal["M2M", "USER_FEDERATION", "ON_BEHALF_OF_TOKEN_EXCHANGE"]
FLOWS: tuple[Flow, ...] = ("M2M", "USER_FEDERATION", "ON_BEHALF_OF_TOKEN_EXCHANGE")

_PROVIDER_NAME = re.compile(r"[a-zA-Z0-9\-_]{1,128}")
_WORKLOAD_NAME = re.compile(r"[A-Za-z0-9_.\-]{3,255}")
_JWT_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_MAX_USER_ID = 128  # GetWorkloadAccessTokenForUserId's limit
_USER_BOUND_FLOWS = frozenset({"USER_FEDERATION", "ON_BEHALF_OF_TOKEN_EXCHANGE"})


class OutboundAuthError(Exception):
    """A token for a tool could not be obtained, or a server refused it. Messages never hold a token."""


class ConsentRequired(OutboundAuthError):
    """``USER_FEDERATION``: the user has not authorized this agent yet; send them to ``authorization_url``."""

    def __init__(self, authorization_url: str, session_uri: str | None = None) -> None:
        super().__init__("The user must authorize access first; show them the authorization URL.")
        self.authorization_url = authorization_url
        self.session_uri = session_uri


@dataclass(frozen=True)
class OutboundConfig:
    provider: str
    scopes: tuple[str, ...] = ()
    flow: Flow = "M2M"
    workload_name: str | None = None
    callback_url: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    max_cache_seconds: float = 300.0
    refresh_margin_seconds: float = 60.0
    on_runtime: bool = False

    def __post_init__(self) -> None:
        if not _PROVIDER_NAME.fullmatch(self.provider):
            raise AuthConfigError(
                "AGENT_OUTBOUND_PROVIDER must name an OAuth2 credential provider (letters, digits, - and _)."
            )
        if any(not 0 < len(scope) <= 128 for scope in self.scopes):
            raise AuthConfigError("AGENT_OUTBOUND_SCOPES: each scope must be 1 to 128 characters.")
        if self.flow not in FLOWS:
            raise AuthConfigError(f"AGENT_OUTBOUND_FLOW must be one of: {', '.join(FLOWS)}.")
        if self.workload_name is not None and not _WORKLOAD_NAME.fullmatch(self.workload_name):
            raise AuthConfigError("AGENT_OUTBOUND_WORKLOAD_NAME is not a valid workload identity name.")
        if self.endpoint_url is not None:
            check_fetch_url(self.endpoint_url, "AGENT_AWS_ENDPOINT_URL")
        if self.max_cache_seconds < 0 or self.refresh_margin_seconds < 0:
            raise AuthConfigError("AGENT_OUTBOUND_CACHE_SECONDS must not be negative.")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OutboundConfig:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            return (env.get(name) or "").strip() or None

        provider = get("AGENT_OUTBOUND_PROVIDER")
        if provider is None:
            raise AuthConfigError("Outbound tokens need AGENT_OUTBOUND_PROVIDER (the credential provider).")
        cache = get("AGENT_OUTBOUND_CACHE_SECONDS")
        try:
            max_cache = float(cache) if cache is not None else 300.0
        except ValueError:
            raise AuthConfigError("AGENT_OUTBOUND_CACHE_SECONDS must be a number.") from None
        return cls(
            provider=provider,
            scopes=tuple(scope for scope in re.split(r"[\s,]+", get("AGENT_OUTBOUND_SCOPES") or "") if scope),
            flow=cast(Flow, (get("AGENT_OUTBOUND_FLOW") or "M2M").upper()),
            workload_name=get("AGENT_OUTBOUND_WORKLOAD_NAME"),
            callback_url=get("AGENT_OUTBOUND_CALLBACK_URL"),
            region=get("AWS_REGION") or get("AWS_DEFAULT_REGION"),
            endpoint_url=get("AGENT_AWS_ENDPOINT_URL"),
            max_cache_seconds=max_cache,
            on_runtime=running_on_agentcore(env),
        )


class OutboundTokens:
    """Tokens from one OAuth2 credential provider for the principals this process serves.

    Safe to share between requests, threads and event loops (MCP clients run on their own loop).
    """

    def __init__(
        self, config: OutboundConfig, *, clock: Callable[[], float] = time.time, max_entries: int = 1024
    ) -> None:
        self.config = config
        self._clock = clock
        self._cache = _TokenCache(max_entries)
        self._client_lock = threading.Lock()
        self._client: Any = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OutboundTokens:
        return cls(OutboundConfig.from_env(env))

    async def access_token(
        self, principal: Principal, *, workload_token: str | None = None, user_token: str | None = None
    ) -> str:
        """An access token from the provider for ``principal``, the current request's caller.

        ``workload_token`` overrides the one the runtime sent with the request; ``user_token`` (the
        caller's own JWT) makes an off-runtime workload token come from ``GetWorkloadAccessTokenForJWT``.
        Raises ``ConsentRequired`` or ``OutboundAuthError``.
        """
        config = self.config
        if config.flow in _USER_BOUND_FLOWS and principal.auth_method == "none":
            raise OutboundAuthError(f"An anonymous caller cannot get a {config.flow} token.")
        key = (principal.auth_method, principal.user_id, config.provider, config.scopes, config.flow)
        now = self._clock()
        cached = self._cache.get(key, now)
        if cached is not None:
            logger.debug("Outbound token for provider %s reused from the cache", config.provider)
            return cached
        wat = workload_token or _runtime_workload_token()
        if wat is None:
            wat = await self._mint_workload_token(principal, user_token)
        token = await self._resource_token(wat)
        until = self._cache_until(token, self._clock())
        if until is not None:
            self._cache.put(key, token, until)
        logger.info(
            "Outbound token obtained (provider %s, flow %s, reused for %ds)",
            config.provider,
            config.flow,
            0 if until is None else int(until - now),
        )
        return token

    def forget(self, principal: Principal | None = None) -> None:
        """Drop cached tokens (one principal's, or all), e.g. after a server refused one."""
        self._cache.drop(None if principal is None else (principal.auth_method, principal.user_id))

    async def _mint_workload_token(self, principal: Principal, user_token: str | None) -> str:
        config = self.config
        if config.on_runtime:
            raise OutboundAuthError(
                "This request carries no workload access token. AgentCore Runtime sends one for JWT callers "
                "and for SigV4 callers that name a user (X-Amzn-Bedrock-AgentCore-Runtime-User-Id)."
            )
        if config.workload_name is None:
            raise OutboundAuthError(
                "Off AgentCore Runtime a workload identity is needed to get outbound tokens: set "
                "AGENT_OUTBOUND_WORKLOAD_NAME (create one with the AgentCore control plane)."
            )
        if user_token:
            response = await self._call(
                "get_workload_access_token_for_jwt", workloadName=config.workload_name, userToken=user_token
            )
        else:
            if not 0 < len(principal.user_id) <= _MAX_USER_ID:
                raise OutboundAuthError("The caller's user id is too long for AgentCore Identity (128 max).")
            response = await self._call(
                "get_workload_access_token_for_user_id",
                workloadName=config.workload_name,
                userId=principal.user_id,
            )
        token = response.get("workloadAccessToken")
        if not isinstance(token, str) or not token:
            raise OutboundAuthError("AgentCore Identity returned no workload access token.")
        return token

    async def _resource_token(self, workload_token: str) -> str:
        config = self.config
        request: dict[str, Any] = {
            "resourceCredentialProviderName": config.provider,
            "scopes": list(config.scopes),
            "oauth2Flow": config.flow,
            "workloadIdentityToken": workload_token,
        }
        if config.flow == "USER_FEDERATION":
            callback = config.callback_url or _runtime_callback_url()
            if callback:
                request["resourceOauth2ReturnUrl"] = callback
        response = await self._call("get_resource_oauth2_token", **request)
        token = response.get("accessToken")
        if isinstance(token, str) and token:
            return token
        url = response.get("authorizationUrl")
        if isinstance(url, str) and url:
            raise ConsentRequired(url, response.get("sessionUri"))
        raise OutboundAuthError("AgentCore Identity returned neither a token nor an authorization URL.")

    def _cache_until(self, token: str, now: float) -> float | None:
        until = now + self.config.max_cache_seconds
        exp = _jwt_expiry(token)
        if exp is not None:
            until = min(until, exp - self.config.refresh_margin_seconds)
        return until if until > now else None

    async def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        """One data-plane call on a worker thread; failures name the operation and AWS error code only."""

        def call() -> dict[str, Any]:
            with _botocore_debug_muted():
                return cast(dict[str, Any], getattr(self._data_plane(), operation)(**params))

        import asyncio

        try:
            return await asyncio.to_thread(call)
        except Exception as error:  # botocore's messages may echo parameter values: never pass them on
            raise OutboundAuthError(_describe(operation, error)) from None

    def _data_plane(self) -> Any:
        with self._client_lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                self._client = boto3.session.Session().client(
                    "bedrock-agentcore",
                    region_name=self.config.region,
                    endpoint_url=self.config.endpoint_url,
                    config=Config(
                        connect_timeout=3, read_timeout=10, retries={"mode": "standard", "max_attempts": 3}
                    ),
                )
            return self._client


def _runtime_workload_token() -> str | None:
    """The workload access token AgentCore Runtime sent with this request, if any."""
    try:
        from bedrock_agentcore.runtime.context import BedrockAgentCoreContext
    except ImportError:  # a project without the AgentCore SDK: never on the runtime
        return None
    return BedrockAgentCoreContext.get_workload_access_token() or None


def _runtime_callback_url() -> str | None:
    try:
        from bedrock_agentcore.runtime.context import BedrockAgentCoreContext
    except ImportError:
        return None
    return BedrockAgentCoreContext.get_oauth2_callback_url() or None


def _jwt_expiry(token: str) -> float | None:
    """``exp`` of a JWT-shaped token (read, not verified: it only bounds our own cache), else ``None``."""
    if len(token) > 65536 or not _JWT_SHAPE.fullmatch(token):
        return None
    segment = token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None


def _describe(operation: str, error: Exception) -> str:
    name = "".join(part.title() for part in operation.split("_")).replace("Jwt", "JWT")
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code") or "UnknownError"
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return f"AgentCore Identity refused {name} ({code}, HTTP {status})."
    kind = type(error).__name__
    if kind == "NoRegionError":
        return f"{name} needs an AWS region: set AWS_REGION."
    if kind in ("NoCredentialsError", "PartialCredentialsError"):
        return f"{name} needs AWS credentials."
    if kind in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError"):
        return f"AgentCore Identity could not be reached for {name} ({kind})."
    return f"{name} failed ({kind})."


class _TokenCache:
    """A small LRU of tokens with their own deadlines; a lock, not asyncio, since callers span loops."""

    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[tuple[Any, ...], tuple[str, float]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], now: float) -> str | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[1] <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: tuple[Any, ...], token: str, until: float) -> None:
        with self._lock:
            self._entries[key] = (token, until)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def drop(self, principal: tuple[str, str] | None) -> None:
        with self._lock:
            if principal is None:
                self._entries.clear()
                return
            for key in [key for key in self._entries if key[:2] == principal]:
                del self._entries[key]


# -- botocore DEBUG lines carry request and response bodies, so tokens: drop them for our calls only --------

_MUTED = threading.local()
_BOTOCORE_LOGGERS = (
    "botocore.endpoint",
    "botocore.parsers",
    "botocore.auth",
    "botocore.hooks",
    "botocore.httpsession",
    "botocore.retryhandler",
    "botocore.client",
)


class _DropMutedDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not getattr(_MUTED, "on", False)


_FILTER = _DropMutedDebug()
_filter_lock = threading.Lock()
_filter_installed = False


@contextlib.contextmanager
def _botocore_debug_muted() -> Iterator[None]:
    """Below WARNING, botocore records from this thread are dropped while an identity call runs."""
    global _filter_installed
    if not _filter_installed:
        with _filter_lock:
            if not _filter_installed:
                for name in _BOTOCORE_LOGGERS:
                    logging.getLogger(name).addFilter(_FILTER)
                _filter_installed = True
    _MUTED.on = True
    try:
        yield
    finally:
        _MUTED.on = False
