"""FastAPI target: the AgentCore wire contract as an HTTP service for containers (ECS/Fargate or anywhere).

Same paths, request, replies, SSE events and session header as the AgentCore adapter, so one client calls
either; FastAPI adds the OpenAPI document (``/openapi.json``, ``/docs``).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__, access_log, sse
from .asgi_limits import BodySizeLimit
from .auth import AuthConfigError, IamAuthenticator
from .errors import AdapterError
from .health import CountInFlight, Health
from .protocol import (
    ERROR_SCHEMA,
    REPLY_SCHEMA,
    REQUEST_SCHEMA,
    SESSION_HEADER,
    Limits,
    parse_body,
    wants_stream,
)
from .service import AgentService
from .streaming import AgentSource

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def _error_response(status: int, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The agent's reply, or Server-Sent Events when streaming was asked for.",
        "content": {
            "application/json": {"schema": REPLY_SCHEMA},
            sse.MEDIA_TYPE: {"schema": {"type": "string", "description": "data: lines (see docs)"}},
        },
    },
    400: _error_response(400, "Invalid JSON or an invalid request."),
    401: _error_response(401, "Missing or invalid credentials (see WWW-Authenticate)."),
    403: _error_response(403, "Valid credentials without a required scope or group."),
    413: _error_response(413, "Body or prompt over the configured limit."),
    429: _error_response(429, "The model provider throttled the request."),
    500: _error_response(500, "The agent failed."),
    504: _error_response(504, "The request did not finish within AGENT_REQUEST_TIMEOUT_SECONDS."),
}


_PING_RESPONSE: dict[str, Any] = {
    "description": "HealthyBusy while an invocation is in flight (the AgentCore runtime contract).",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["status", "time_of_last_update"],
                "properties": {
                    "status": {"type": "string", "enum": ["Healthy", "HealthyBusy"]},
                    "time_of_last_update": {"type": "integer"},
                },
            }
        }
    },
}


def create_app(
    agent: AgentSource,
    *,
    title: str = "agent",
    defaults: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
) -> FastAPI:
    service = AgentService(agent, target="fastapi", defaults=defaults, limits=limits)
    if isinstance(service.authenticator, IamAuthenticator):
        # IAM identity is only as good as the platform that verified the SigV4 signature and passes the
        # caller on; in front of a plain container nothing does, so any client could claim any user.
        raise AuthConfigError(
            "auth=iam is not available on the fastapi target: nothing in front of a container verifies "
            "SigV4. Use AGENT_AUTH=jwt (or run the lambda or agentcore target)."
        )

    health = Health()
    access_log.install()
    app = FastAPI(title=title, version=__version__, lifespan=service.lifespan)
    app.add_middleware(BodySizeLimit, max_bytes=service.limits.max_body_bytes)
    app.add_middleware(CountInFlight, health=health)  # added last: outermost, so it counts everything

    @app.exception_handler(AdapterError)
    async def adapter_error(_request: Request, error: AdapterError) -> JSONResponse:
        return JSONResponse(error.body(), status_code=error.status, headers=error.headers())

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "http_error")
        return JSONResponse(
            {"error": str(error.detail), "code": code},
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    @app.get("/ping", summary="Health check", response_model=None, responses={200: _PING_RESPONSE})
    async def ping() -> dict[str, Any]:
        return health.ping()

    @app.post(
        "/invocations",
        summary="Invoke the agent",
        response_model=None,
        responses=_RESPONSES,
        openapi_extra={
            "requestBody": {"required": True, "content": {"application/json": {"schema": REQUEST_SCHEMA}}}
        },
    )
    async def invocations(request: Request) -> Any:
        started = time.monotonic()
        principal = None
        try:
            principal = await service.authenticate_async(request.headers)
            invocation = parse_body(
                await request.body(), service.limits, session_header=request.headers.get(SESSION_HEADER)
            )
        except AdapterError as error:
            service.rejected(error, started=started, principal=principal)
            raise
        call = service.accept(principal, invocation, request.headers, started)
        headers = {SESSION_HEADER: call.session_id}
        try:
            if wants_stream(invocation, request.headers.get("accept")):
                events = await service.events(call)
                return StreamingResponse(_encoded(events), media_type=sse.MEDIA_TYPE, headers=headers)
            reply = await service.reply(call)
        except AdapterError as error:
            return JSONResponse(
                error.body(), status_code=error.status, headers={**error.headers(), **headers}
            )
        return JSONResponse(reply.to_dict(), headers=headers)

    return app


async def _encoded(events: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    async for event in events:
        yield sse.encode(event)
