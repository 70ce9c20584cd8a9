"""Which protocol a project's AgentCore runtime serves, and what that means for deploy and packaging.

A project may speak several protocols (the ``protocols`` answer), but an AgentCore runtime serves one: the
``agentcore_protocol`` answer (``http`` unless chosen). From it follow the runtime's
``protocolConfiguration.serverProtocol``, the entrypoint the container or code zip starts, and the port it
listens on (AgentCore's service contract: HTTP and AG-UI on 8080, MCP on 8000, A2A on 9000).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import BadInput
from .project import Project


@dataclass(frozen=True)
class ServedProtocol:
    name: str  # the answer: http, mcp, a2a, agui
    server_protocol: str  # protocolConfiguration.serverProtocol
    app: str  # the entrypoint's ASGI app, relative to the package
    port: int  # the contract port


SERVED = {
    "http": ServedProtocol("http", "HTTP", "entrypoints.agentcore_app:app", 8080),
    "mcp": ServedProtocol("mcp", "MCP", "entrypoints.mcp_server:app", 8000),
    "a2a": ServedProtocol("a2a", "A2A", "entrypoints.a2a_server:app", 9000),
    "agui": ServedProtocol("agui", "AGUI", "entrypoints.agui_app:app", 8080),
}


def project_protocols(project: Project) -> list[str]:
    value = project.answers.get("protocols") or []
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def agentcore_protocol(project: Project) -> ServedProtocol:
    """The protocol the AgentCore runtime serves; an answer naming a protocol the project lacks is refused."""
    name = str(project.answers.get("agentcore_protocol") or "http").strip()
    served = SERVED.get(name)
    if served is None:
        raise BadInput(f"agentcore_protocol must be one of {', '.join(SERVED)}, not {name!r}.")
    if name != "http" and name not in project_protocols(project):
        raise BadInput(
            f"agentcore_protocol={name} but '{name}' is not in the protocols answer, so the project has no "
            f"entrypoint for it. Run: scaffold configure protocols='[{name}]'"
        )
    return served
