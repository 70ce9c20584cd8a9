"""Start a protocol server as AgentCore Runtime expects: its contract port, every interface in a container.

``python -m <package>.entrypoints.mcp_server`` (and the A2A and AG-UI ones) call ``serve(app, "mcp")``.
``PORT`` overrides the port for local runs; AgentCore itself always connects to the contract port.
"""

from __future__ import annotations

import os
from typing import Any

from . import CONTRACT_PORTS


def listen_host() -> str:
    """127.0.0.1 on a workstation; every interface in a container, where the runtime connects from outside."""
    in_container = os.path.exists("/.dockerenv") or bool(os.environ.get("DOCKER_CONTAINER"))
    return "0.0.0.0" if in_container else "127.0.0.1"


def serve(app: Any, protocol: str, *, port: int | None = None) -> None:
    import uvicorn

    uvicorn.run(app, host=listen_host(), port=port or int(os.environ.get("PORT") or CONTRACT_PORTS[protocol]))
