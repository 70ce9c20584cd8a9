"""Bearer auth in front of a protocol server (MCP, A2A, AG-UI): the same authenticator as ``/invocations``.

The verified ``Principal`` rides in the ASGI scope's state (``request.state.principal``), where the
protocol's handler reads it; a refused request gets the same 401/403/503 JSON and ``WWW-Authenticate``
header the HTTP adapters send, before the protocol SDK sees a byte. ``/ping`` stays open, as on every target.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ..asgi_limits import BodySizeLimit
from ..errors import AdapterError
from ..identity import Principal
from ..service import AgentService

OPEN_PATHS = frozenset({"/ping"})


class Authenticated:
    """``open_paths`` skip the check: ``/ping``, and discovery documents such as the A2A agent card."""

    def __init__(self, app: ASGIApp, service: AgentService, open_paths: frozenset[str] = OPEN_PATHS) -> None:
        self.app = app
        self.service = service
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope.get("path") in self.open_paths:
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        started = time.monotonic()
        try:
            principal = await self.service.authenticate_async(connection.headers)
        except AdapterError as error:
            self.service.rejected(error, started=started)
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": "unauthorized"})
                return
            response = JSONResponse(error.body(), status_code=error.status, headers=error.headers())
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


def principal_of(request: Any) -> Principal:
    """The principal ``Authenticated`` stored for this request; a request that skipped it is refused."""
    state = getattr(request, "scope", {}).get("state") or {}
    principal = state.get("principal")
    if not isinstance(principal, Principal):
        raise AdapterError("The request was not authenticated.", status=401, code="unauthorized")
    return principal


def guarded(app: Any, service: AgentService, open_paths: frozenset[str] = OPEN_PATHS) -> Any:
    """The protocol SDK's Starlette ``app`` behind the service: bearer auth (``Authenticated``), the body
    size limit, and the service's lifespan around the SDK's own, so both start and stop with the server."""
    app.add_middleware(Authenticated, service=service, open_paths=open_paths)
    app.add_middleware(BodySizeLimit, max_bytes=service.limits.max_body_bytes)
    sdk_lifespan = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(asgi_app: Any) -> AsyncIterator[None]:
        async with service.lifespan(asgi_app), sdk_lifespan(asgi_app):
            yield

    app.router.lifespan_context = lifespan
    return app
