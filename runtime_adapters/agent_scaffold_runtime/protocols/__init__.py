"""The agent over more protocols than HTTP: WebSocket, MCP, A2A and AG-UI, each an adapter over the same core.

Every protocol goes through ``service.AgentService``, so identity, sessions, guardrails, timeouts, traces
and the request log line are the same whichever way a client speaks. One module per protocol; each imports
its SDK (``mcp``, ``a2a-sdk``, ``ag-ui-protocol``) lazily, installed by the runtime extra of that name.
"""

from __future__ import annotations

#: AgentCore Runtime's service contract: the container port each ``serverProtocol`` is reached on.
CONTRACT_PORTS = {"http": 8080, "mcp": 8000, "a2a": 9000, "agui": 8080}
#: The ``protocolConfiguration.serverProtocol`` value AgentCore expects for each protocol answer.
SERVER_PROTOCOLS = {"http": "HTTP", "mcp": "MCP", "a2a": "A2A", "agui": "AGUI"}
