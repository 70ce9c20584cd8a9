"""The travel tools as a remote MCP server: the ``mcp`` SDK's ``MCPServer`` over stateless streamable HTTP.

* **Tools.** ``get_policies``, ``get_flights``, ``get_hotels``, ``get_cars``, ``book_travel`` and
  ``list_bookings``: the same names and the same travel desk as ``samples/travel-assistant`` (both wrap
  the ``travel_desk`` library, ``samples/travel-desk``), so that agent can use these instead of its own.
* **Transport.** Stateless streamable HTTP with JSON responses (``stateless_http=True,
  json_response=True``): every ``POST /mcp`` stands alone, with no session to keep and no event stream to
  hold open, so any instance (a Lambda environment, a container behind a load balancer) can answer it.
* **Identity.** With ``AGENT_AUTH=jwt`` (the project's answer) the SDK's bearer middleware asks
  ``JwtTokenVerifier``, which verifies the token with ``agent_scaffold_runtime.auth`` (issuer JWKS,
  client or audience, expiry, ``token_use``): a missing or bad token is a 401 with ``WWW-Authenticate:
  Bearer`` before any tool runs. Tools read the verified subject with ``get_access_token()``, never from
  their arguments, and keep bookings under ``Principal(user_id=sub, auth_method="jwt").namespace``, the key
  the travel assistant uses for the same user.
  If the issuer's keys cannot be fetched the answer is 503 ``auth_unavailable`` (fail closed).
* **Health.** ``GET /ping`` answers ``{"status": "Healthy"}`` without a token, as the agents' apps do.

``create_app(settings)`` builds the ASGI app: ``entrypoints/http_app.py`` serves it with uvicorn,
``entrypoints/lambda_handler.py`` through ``asgi_lambda.py``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from agent_scaffold_runtime.auth import AuthError, AuthUnavailable, JwtConfig, JwtVerifier
from agent_scaffold_runtime.identity import Principal
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from travel_desk import TravelDesk, TravelError, policy_text

from .settings import RUNTIME_DEFAULTS, Settings

logger = logging.getLogger("mcp_server")

MCP_PATH = "/mcp"
ANONYMOUS_CALLER = "Error: sign in to book or list travel; bookings belong to a signed-in employee."
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


class JwtTokenVerifier:
    """The SDK's ``TokenVerifier`` protocol on top of the project's own JWT verification."""

    def __init__(self, verifier: JwtVerifier) -> None:
        self.verifier = verifier

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            # The first token (or a key rotation) fetches the issuer's keys: off the event loop.
            principal = await asyncio.to_thread(self.verifier.verify, token)
        except AuthError:  # already logged by the verifier, without the token
            return None
        claims = dict(principal.claims)
        client = claims.get("client_id") or claims.get("azp") or claims.get("aud") or ""
        return AccessToken(
            token=token,
            client_id=str(client if not isinstance(client, list) else client[0]),
            scopes=sorted(principal.scopes),
            expires_at=int(claims["exp"]) if isinstance(claims.get("exp"), (int, float)) else None,
            subject=principal.user_id,
        )


def caller() -> Principal | None:
    """The caller of the current request, from its verified token; ``None`` when anonymous."""
    token = get_access_token()
    if token is None or not token.subject:
        return None
    return Principal(user_id=token.subject, auth_method="jwt", scopes=frozenset(token.scopes))


def create_server(settings: Settings) -> MCPServer:
    """The MCP server with the travel tools, and bearer auth when ``settings.auth`` is ``jwt``."""
    auth: dict[str, Any] = {}
    if settings.auth == "jwt":
        config = JwtConfig.from_settings(os.environ, RUNTIME_DEFAULTS)
        auth = {
            "token_verifier": JwtTokenVerifier(JwtVerifier(config)),
            "auth": AuthSettings(
                issuer_url=config.discovery_url.removesuffix(DISCOVERY_SUFFIX),
                resource_server_url=settings.resource_url or None,
            ),
        }
    server = MCPServer(
        "travel-tools",
        log_level="WARNING",
        instructions="Corporate travel: search, book within the company policy, list your bookings.\n"
        + policy_text(),
        **auth,
    )

    def desk() -> TravelDesk:
        return TravelDesk(settings.bookings_dir, today=settings.today)

    @server.tool(structured_output=False)
    def get_policies() -> str:
        """Return the company travel policy: allowed cabins, fare, hotel and car limits, booking rules."""
        return policy_text()

    @server.tool(structured_output=False)
    def get_flights(destination: str, date: str) -> str:
        """Search flights from the company's home airport, each marked within or outside the travel policy.

        Args:
            destination: The city or airport, for example "NYC", "New York", "London" or "SFO".
            date: The travel date: YYYY-MM-DD, "today", "tomorrow" or a weekday such as "next Monday".
        """
        return _answer(lambda: desk().flights(destination, date))

    @server.tool(structured_output=False)
    def get_hotels(city: str, nights: int = 1) -> str:
        """Search hotels in a city, each marked within or outside the travel policy.

        Args:
            city: The city, for example "NYC", "San Francisco" or "London".
            nights: How many nights the stay lasts.
        """
        return _answer(lambda: desk().hotels(city, nights))

    @server.tool(structured_output=False)
    def get_cars(city: str, days: int = 1) -> str:
        """Search rental cars in a city, each marked within or outside the travel policy.

        Args:
            city: The city, for example "NYC", "Chicago" or "London".
            days: How many days the rental lasts.
        """
        return _answer(lambda: desk().cars(city, days))

    @server.tool(structured_output=False)
    def book_travel(option_id: str, date: str, nights_or_days: int = 1) -> str:
        """Book one flight, hotel or car for the signed-in employee. Options outside the policy are refused.

        Args:
            option_id: The option's id from a search, for example "FL-101", "HT-NYC-1" or "CR-NYC-1".
            date: The flight date, hotel check-in or car pick-up: YYYY-MM-DD, "tomorrow" or "next Monday".
            nights_or_days: Nights at the hotel or days of car rental; ignored for flights.
        """
        principal = caller()
        if principal is None:
            return ANONYMOUS_CALLER
        return _answer(
            lambda: desk().book(principal.namespace, principal.user_id, option_id, date, nights_or_days)
        )

    @server.tool(structured_output=False)
    def list_bookings() -> str:
        """List the signed-in employee's own bookings. Takes no arguments."""
        principal = caller()
        if principal is None:
            return ANONYMOUS_CALLER
        return desk().bookings_text(principal.namespace, principal.user_id)

    @server.custom_route("/ping", methods=["GET"])
    async def ping(request: Request) -> Response:
        return JSONResponse({"status": "Healthy"})

    return server


def create_app(settings: Settings | None = None) -> Starlette:
    """The ASGI app: ``POST /mcp`` (MCP, bearer auth), ``GET /ping``, and the protected-resource metadata."""
    settings = settings or Settings.from_env()
    server = create_server(settings)
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=settings.host_check,
        allowed_hosts=list(settings.allowed_hosts),
        allowed_origins=[
            f"{scheme}://{host}" for host in settings.allowed_hosts for scheme in ("http", "https")
        ],
    )
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        json_response=True,
        transport_security=security,
    )
    app.add_middleware(IssuerUnavailableIs503)  # outside the SDK's bearer middleware
    return app


class IssuerUnavailableIs503:
    """The issuer's keys could not be fetched: answer 503 ``auth_unavailable``, as the agents' adapters do.

    Without it the error would leave the SDK's authentication middleware as a bare 500; either way no tool
    runs (fail closed), but a 503 tells the client to retry rather than that its token is wrong.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except AuthUnavailable as error:
            if started or scope["type"] != "http":
                raise
            logger.warning("Token verification unavailable: %s", error.message)
            await JSONResponse(error.body(), status_code=error.status)(scope, receive, send)


def _answer(work: Any) -> str:
    """The tool's text, or an ``Error: ...`` the model can read and correct."""
    try:
        return str(work())
    except TravelError as error:
        return f"Error: {error}"
