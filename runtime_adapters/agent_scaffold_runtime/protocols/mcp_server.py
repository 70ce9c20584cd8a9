"""The agent as an MCP server: stateless streamable HTTP, JSON responses, ``/mcp`` (AgentCore: port 8000).

Built on the official ``mcp`` SDK (``MCPServer``, formerly FastMCP) with ``stateless_http=True,
json_response=True``, the transport AgentCore Runtime's MCP contract asks for: every ``POST /mcp`` stands
alone, so any instance can answer it. The server offers one tool, ``ask_agent(prompt, session_id?)``, which
runs the project's core through the shared pipeline (identity, guardrails, limits, traces, request log), so
an MCP client gets exactly the answer ``call_agent`` gives. Bearer auth is the project's own
(``http_auth.Authenticated``): a refused token is a 401 before the SDK runs. ``GET /ping`` is open.

DNS-rebinding protection (a browser on the user's machine reaching a local server) is on when
``AGENT_MCP_ALLOWED_HOSTS`` lists the host names to accept; behind AgentCore the runtime is the only caller.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import AdapterError
from ..protocol import Limits
from ..service import AgentService
from ..streaming import AgentSource
from .core_call import accept_turn
from .http_auth import guarded, principal_of

MCP_PATH = "/mcp"
AGENT_TOOL = "ask_agent"


def create_app(
    agent: AgentSource,
    *,
    name: str = "agent",
    description: str = "An AI agent.",
    defaults: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    target: str = "agentcore",
) -> Starlette:
    """The ASGI app: ``POST /mcp`` (MCP, bearer auth) and ``GET /ping``."""
    from mcp.server.mcpserver import Context, MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp.server.transport_security import TransportSecuritySettings

    service = AgentService(agent, target=target, defaults=defaults, limits=limits)
    server: MCPServer[Any] = MCPServer(name=name, instructions=description)

    async def ask_agent(prompt: str, ctx: Context, session_id: str | None = None) -> str:
        """``prompt``: what to ask. ``session_id``: continue that conversation (the caller's own only)."""
        request = ctx.request_context.request
        try:
            call = accept_turn(
                service,
                principal_of(request),
                prompt,
                session_id=session_id,
                headers=getattr(request, "headers", None),
            )
            reply = await service.reply(call)
        except AdapterError as error:
            # Raised, the SDK answers a tool result with isError=true and this message.
            raise ToolError(f"{error.code}: {error.message}") from None
        return reply.text

    # The SDK reads the signature to build the tool's schema; this module's annotations are strings
    # (``from __future__``) naming a lazily imported type, so hand it the real ones.
    ask_agent.__annotations__ = {"prompt": str, "ctx": Context, "session_id": str | None, "return": str}
    server.tool(
        name=AGENT_TOOL,
        description=f"Ask the {name} agent. {description} Returns the agent's answer as text.",
        structured_output=False,
    )(ask_agent)

    @server.custom_route("/ping", methods=["GET"])
    async def ping(_request: Request) -> Response:
        return JSONResponse({"status": "Healthy"})

    allowed = [
        host.strip() for host in os.environ.get("AGENT_MCP_ALLOWED_HOSTS", "").split(",") if host.strip()
    ]
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=bool(allowed),
        allowed_hosts=allowed,
        allowed_origins=[f"{scheme}://{host}" for host in allowed for scheme in ("http", "https")],
    )
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        json_response=True,
        transport_security=security,
        max_request_body_size=service.limits.max_body_bytes,
    )
    return guarded(app, service)
