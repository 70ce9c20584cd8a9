"""AgentCore Runtime target: the core behind a real ``BedrockAgentCoreApp``.

Port 8080, ``POST /invocations``, ``GET /ping`` and the ``/ws`` WebSocket. The SDK owns the HTTP framing
(routing, SSE bridging on its worker loop); this module puts ``InvocationGate`` in front of it, so a request
is authenticated, size checked and validated (4xx with the JSON error body) before the SDK parses a byte,
adds the session header to every reply (JSON and SSE), and answers ``/ping`` with ``HealthyBusy`` while an
invocation is in flight. ``/ws`` carries the same contract over one socket (``protocols/websocket.py``).

Behind AgentCore's own JWT authorizer the token has already been checked; the adapter reads the identity
from the forwarded ``Authorization`` header and, by default, verifies it again. ``AGENT_JWT_VERIFY=false``
trusts the runtime's authorizer alone (claims still checked, signature not); it is refused unless the
process runs on AgentCore Runtime (``AGENT_RUNTIME=agentcore``, set by ``scaffold deploy``). See
``auth.trusted``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from bedrock_agentcore.runtime import BedrockAgentCoreApp, PingStatus, RequestContext
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from . import access_log
from .asgi_limits import BodySizeLimit
from .errors import AdapterError
from .health import CountInFlight, Health, is_invocation
from .protocol import SESSION_HEADER, Limits, parse_body, wants_stream
from .protocols.websocket import serve_websocket
from .service import AgentService, Call
from .streaming import AgentSource

CALL_STATE = "agent_scaffold_call"


def create_app(
    agent: AgentSource, *, defaults: Mapping[str, Any] | None = None, limits: Limits | None = None
) -> BedrockAgentCoreApp:
    service = AgentService(agent, target="agentcore", defaults=defaults, limits=limits)
    health = Health()
    access_log.install()

    app = BedrockAgentCoreApp(
        lifespan=service.lifespan,
        middleware=[
            Middleware(CountInFlight, health=health),
            Middleware(BodySizeLimit, max_bytes=service.limits.max_body_bytes),
            Middleware(InvocationGate, service=service),
        ],
    )

    @app.ping
    def ping_status() -> PingStatus:
        busy = health.busy or app.get_async_task_info()["active_count"] > 0
        return PingStatus.HEALTHY_BUSY if busy else PingStatus.HEALTHY

    @app.entrypoint
    async def invoke(payload: Any, context: RequestContext) -> Any:
        request = context.request
        call = request.scope.get("state", {}).get(CALL_STATE) if request is not None else None
        if request is None or not isinstance(call, Call):  # the gate accepted every request that gets here
            return error_response(AdapterError("The request was not accepted by the gate."))
        try:
            if wants_stream(call.request, request.headers.get("accept")):
                # An async generator: the SDK streams it as SSE from its worker loop.
                return await service.events(call)
            reply = await service.reply(call)
        except AdapterError as error:
            return error_response(error, {SESSION_HEADER: call.session_id})
        return JSONResponse(reply.to_dict(), headers={SESSION_HEADER: call.session_id})

    @app.websocket
    async def websocket(websocket: WebSocket, _context: RequestContext) -> None:
        # The /invocations contract over one socket, many turns (protocols/websocket.py).
        await serve_websocket(websocket, service, health)

    return app


class InvocationGate:
    """``POST /invocations`` before the SDK sees it: credentials first, then the body (read once, parsed with
    the shared contract), then the accepted ``Call`` handed to the entrypoint through the request state.

    The SDK would otherwise parse the body itself before any check: a body nested 100,000 deep or holding a
    5,000-digit number became a 500 and a traceback, ahead of authentication. Its own parse still runs on
    the replayed body, which is known good by then.
    """

    def __init__(self, app: ASGIApp, service: AgentService) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_invocation(scope):
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        headers = Headers(scope=scope)
        principal = None
        try:
            principal = await self.service.authenticate_async(headers)
            body = await _read_body(receive)
            if body is None:
                return  # the client went away mid-body: nobody to answer
            request = parse_body(body, self.service.limits, session_header=headers.get(SESSION_HEADER))
        except AdapterError as error:
            self.service.rejected(error, started=started, principal=principal)
            await error_response(error)(scope, receive, send)
            return
        call = self.service.accept(principal, request, headers, started)
        scope.setdefault("state", {})[CALL_STATE] = call
        await self.app(scope, _replay(body, receive), _with_session_header(send, call.session_id))


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, once; then the real channel (so a disconnect is still seen)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _with_session_header(send: Send, session_id: str) -> Send:
    """Every reply to an accepted call carries its (validated or generated) session id, SSE included."""
    name = SESSION_HEADER.lower().encode()

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if not any(key.lower() == name for key, _ in headers):
                headers.append((name, session_id.encode("ascii")))
            message = {**message, "headers": headers}
        await send(message)

    return sending


def error_response(error: AdapterError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        error.body(), status_code=error.status, headers={**error.headers(), **(headers or {})}
    )
