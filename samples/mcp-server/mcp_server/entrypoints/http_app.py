"""HTTP entrypoint: ``app`` serves the MCP server (``POST /mcp``) and ``GET /ping`` anywhere ASGI runs.

Run it locally with ``scaffold serve --target fastapi`` (the generated target name; the app is the MCP
server's Starlette app, not FastAPI), or ``uvicorn mcp_server.entrypoints.http_app:app --port 8000``.
No tool logic here: it lives in ``mcp_server.server``.
"""

from ..server import create_app

app = create_app()
