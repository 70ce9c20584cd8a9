"""FastAPI entrypoint: ``app`` serves ``POST /invocations`` and ``GET /ping`` anywhere ASGI runs.

Run it locally with ``scaffold serve --target fastapi``, or
``uvicorn mcp_server.entrypoints.http_app:app --port 8000``.
No agent logic here: it lives in ``mcp_server.agent``.
"""

from runtime_adapters.fastapi_adapter import create_app
from runtime_adapters.loader import AgentRef

from ..settings import RUNTIME_DEFAULTS

app = create_app(
    AgentRef("mcp_server.agent"),
    title="mcp-server",
    defaults=RUNTIME_DEFAULTS,
)
