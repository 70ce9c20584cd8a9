"""AgentCore Runtime target: the core behind a real ``BedrockAgentCoreApp``.

Port 8080, ``POST /invocations``, ``GET /ping``. The SDK owns the HTTP contract (session header, ping, SSE
bridging on its worker loop); this module adds request validation with 4xx answers, the size guard, and the
shared pipeline (identity, tracing, timeout, request log) from ``service``.

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

from bedrock_agentcore.runtime import BedrockAgentCoreApp, RequestContext
from starlette.middleware import Middleware
from starlette.responses import JSONResponse

from .asgi_limits import BodySizeLimit
from .errors import AdapterError
from .protocol import SESSION_HEADER, Limits, parse_payload, wants_stream
from .service import AgentService
from .streaming import AgentSource


def create_app(
    agent: AgentSource, *, defaults: Mapping[str, Any] | None = None, limits: Limits | None = None
) -> BedrockAgentCoreApp:
    service = AgentService(agent, target="agentcore", defaults=defaults, limits=limits)

    app = BedrockAgentCoreApp(
        lifespan=service.lifespan,
        middleware=[Middleware(BodySizeLimit, max_bytes=service.limits.max_body_bytes)],
    )

    @app.entrypoint
    async def invoke(payload: Any, context: RequestContext) -> Any:
        started = time.monotonic()
        headers: Mapping[str, str] = context.request.headers if context.request is not None else {}
        try:
            principal = service.authenticate(headers)
        except AdapterError as error:
            service.rejected(error, started=started)
            return error_response(error)
        try:
            request = parse_payload(payload, service.limits, session_header=context.session_id)
        except AdapterError as error:
            service.rejected(error, started=started, principal=principal)
            return error_response(error)
        call = service.accept(principal, request, headers, started)
        try:
            if wants_stream(request, headers.get("accept")):
                # An async generator: the SDK streams it as SSE from its worker loop.
                return await service.events(call)
            reply = await service.reply(call)
        except AdapterError as error:
            return error_response(error, {SESSION_HEADER: call.session_id})
        return JSONResponse(reply.to_dict(), headers={SESSION_HEADER: call.session_id})

    return app


def error_response(error: AdapterError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        error.body(), status_code=error.status, headers={**error.headers(), **(headers or {})}
    )
