"""The travel tools from a remote MCP server (``TRAVEL_TOOLS_URL``), called with a token for the caller.

``samples/mcp-server`` serves the same tools (same names, same travel desk) over MCP's streamable HTTP
transport and books for the subject of the bearer token it receives. So the token must name the caller:
``agent_scaffold_runtime.auth.OutboundTokens`` gets one from AgentCore Identity for the verified principal
(``AGENT_OUTBOUND_PROVIDER``, ``AGENT_OUTBOUND_FLOW``, ...; on AgentCore Runtime with the workload token the
runtime sends, elsewhere for ``AGENT_OUTBOUND_WORKLOAD_NAME``), and ``mcp_client`` sends it as
``Authorization: Bearer`` each time the connection opens. The model never sees the token.

One ``MCPClient`` per request (its token is the caller's); Strands starts it when the agent is built and
``agent.cleanup()`` closes it. A server that refuses the token raises ``McpAuthRejected`` (the request fails
with ``agent_error``; the token is never in the message).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from agent_scaffold_runtime.auth import OutboundTokens, mcp_client
from agent_scaffold_runtime.identity import Principal

if TYPE_CHECKING:
    from strands.tools.mcp import MCPClient

    from .settings import Settings

#: Seconds to wait for the MCP server to answer ``initialize`` and ``tools/list``.
STARTUP_TIMEOUT_S = 15


@functools.cache
def outbound_tokens() -> OutboundTokens:
    """One token source per process: it caches each caller's token until shortly before it expires."""
    return OutboundTokens.from_env()


def remote_travel_tools(settings: Settings, principal: Principal) -> MCPClient:
    """An MCP client for ``settings.tools_url`` that authenticates as ``principal``."""
    tokens = outbound_tokens()
    return mcp_client(
        settings.tools_url, lambda: tokens.access_token(principal), startup_timeout=STARTUP_TIMEOUT_S
    )
