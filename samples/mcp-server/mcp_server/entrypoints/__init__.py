"""One small module per deployment target, each serving the MCP server (``mcp_server.server``).

``http_app.app`` is the ASGI app for uvicorn (``scaffold serve --target fastapi``, a container);
``lambda_handler.handler`` runs the same app for Lambda events (``scaffold deploy --target lambda``).
"""
