"""AWS Lambda entrypoint; set the function's handler to ``mcp_server.entrypoints.lambda_handler.handler``.

It answers Function URL and API Gateway (HTTP API v2, REST v1) events for ``POST /mcp`` and ``GET /ping``
by running the MCP server's ASGI app through ``mcp_server.asgi_lambda``. The app (and the ``mcp`` SDK) is
created on the first event, not here, so this module imports in milliseconds.
No tool logic here: it lives in ``mcp_server.server``.
"""

from ..asgi_lambda import ASGIApp, AsgiLambdaHandler


def _create_app() -> ASGIApp:
    from ..server import create_app

    return create_app()


handler = AsgiLambdaHandler(_create_app)
