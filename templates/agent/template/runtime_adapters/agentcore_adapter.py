"""AgentCore Runtime target: the core behind a real ``BedrockAgentCoreApp``.

Port 8080, ``POST /invocations``, ``GET /ping``.

The SDK owns the HTTP contract (session header, ping, SSE bridging on its worker loop); this module only adds
request validation with 4xx answers, the size guard, and the shared reply shape.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from bedrock_agentcore.runtime import BedrockAgentCoreApp, RequestContext
from starlette.middleware import Middleware
from starlette.responses import JSONResponse

from .asgi_limits import BodySizeLimit
from .errors import AdapterError
from .invocation import AgentSource, run_to_completion, start_streaming
from .protocol import ANONYMOUS_USER, SESSION_HEADER, Limits, parse_payload, wants_stream
from .reply import new_session_id


def create_app(agent: AgentSource, *, limits: Limits | None = None) -> BedrockAgentCoreApp:
    limits = limits or Limits.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        preload = getattr(agent, "preload_in_background", None)
        if preload is not None:
            preload()
        yield

    app = BedrockAgentCoreApp(
        lifespan=lifespan, middleware=[Middleware(BodySizeLimit, max_bytes=limits.max_body_bytes)]
    )

    @app.entrypoint
    async def invoke(payload: Any, context: RequestContext) -> Any:
        try:
            request = parse_payload(payload, limits, session_header=context.session_id)
        except AdapterError as error:
            return JSONResponse(error.body(), status_code=error.status)
        session_id = request.session_id or new_session_id()
        accept = context.request.headers.get("accept") if context.request is not None else None
        try:
            if wants_stream(request, accept):
                # An async generator: the SDK streams it as SSE from its worker loop.
                return await start_streaming(agent, request, user_id=ANONYMOUS_USER, session_id=session_id)
            reply = await run_to_completion(agent, request, user_id=ANONYMOUS_USER, session_id=session_id)
        except AdapterError as error:
            return JSONResponse(error.body(), status_code=error.status, headers={SESSION_HEADER: session_id})
        return JSONResponse(reply.to_dict(), headers={SESSION_HEADER: session_id})

    return app
