"""Remote MCP tools with the caller's delegated token: a Strands ``MCPClient`` that sends a bearer header.

The token usually comes from ``auth.outbound.OutboundTokens`` (AgentCore Identity), resolved each time the
connection opens, so a client built per request always carries that request's caller's token. Importing
this module imports neither Strands nor mcp; they load when the first client is built.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .config import check_fetch_url
from .outbound import OutboundAuthError

if TYPE_CHECKING:
    from strands.tools.mcp import MCPClient

logger = logging.getLogger("agent_scaffold_runtime.auth.outbound")

#: A token, or something that produces one (sync or async), resolved each time an MCP connection opens.
TokenSource = str | Callable[[], str | Awaitable[str]]


class McpAuthRejected(OutboundAuthError):
    """The MCP server answered 401/403 to the bearer token."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def bearer_headers(token: str) -> dict[str, str]:
    """``{"Authorization": "Bearer <token>"}``; a token that could break the header line is refused."""
    if not token or not token.isascii() or not token.isprintable() or any(ch.isspace() for ch in token):
        raise ValueError("The token is empty or not a valid bearer token.")
    return {"Authorization": f"Bearer {token}"}


def mcp_client(url: str, token_source: TokenSource, **client_options: Any) -> MCPClient:
    """A Strands ``MCPClient`` for a streamable-HTTP MCP server that sends ``Authorization: Bearer``.

    ``token_source`` is the token or a callable returning it (an ``async`` one too, e.g.
    ``lambda: tokens.access_token(principal)``); it is called each time the connection opens, on the MCP
    client's own thread, with the caller's context variables. Build one client per request (the token is the
    caller's). ``client_options`` go to ``MCPClient`` (``prefix``, ``tool_filters``, ``startup_timeout``…).

    A 401/403 while connecting raises ``McpAuthRejected``; a failure to get the token, its own error.
    """
    check_fetch_url(url, "The MCP server URL")
    for option in ("url", "headers", "auth", "auth_provider", "transport_callable"):
        if option in client_options:
            raise TypeError(f"mcp_client() sets {option!r} itself")
    return _bearer_client_class()(url, token_source, **client_options)


@functools.cache
def _bearer_client_class() -> Callable[..., MCPClient]:
    """Defined on first use, so importing this module never imports Strands or mcp."""
    from strands.tools.mcp import MCPClient
    from strands.types.exceptions import MCPClientInitializationError

    class BearerMCPClient(MCPClient):
        def __init__(self, url: str, token_source: TokenSource, **client_options: Any) -> None:
            self._bearer_url = url
            self._token_source = token_source
            self._refused: int | None = None
            self._token_error: OutboundAuthError | None = None
            super().__init__(self._transport, **client_options)

        def start(self) -> BearerMCPClient:
            self._refused = None
            self._token_error = None
            try:
                super().start()
            except MCPClientInitializationError as error:
                if self._token_error is not None:
                    raise self._token_error from error
                if self._refused is not None:
                    raise McpAuthRejected(
                        f"The MCP server at {_safe_url(self._bearer_url)} refused the bearer token "
                        f"(HTTP {self._refused}): it is missing, expired or not meant for this server.",
                        status=self._refused,
                    ) from error
                raise
            return self

        @contextlib.asynccontextmanager
        async def _transport(self) -> AsyncIterator[Any]:
            from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

            try:
                headers = bearer_headers(await _resolve(self._token_source))
            except OutboundAuthError as error:
                self._token_error = error
                raise
            except ValueError:
                self._token_error = OutboundAuthError("The token source returned an unusable token.")
                raise self._token_error from None

            async def on_response(response: Any) -> None:
                if response.status_code in (401, 403):
                    self._refused = response.status_code
                    logger.warning(
                        "The MCP server at %s refused the bearer token (HTTP %s)",
                        _safe_url(self._bearer_url),
                        response.status_code,
                    )

            http_client = create_mcp_http_client(headers=headers)
            http_client.event_hooks = {"request": [], "response": [on_response]}
            async with (
                http_client,
                streamable_http_client(self._bearer_url, http_client=http_client) as streams,
            ):
                yield streams

    return BearerMCPClient


async def _resolve(source: TokenSource) -> str:
    import inspect

    value: Any = source() if callable(source) else source
    if inspect.isawaitable(value):
        value = await value
    if not isinstance(value, str) or not value:
        raise OutboundAuthError("The token source returned no token.")
    return value


def _safe_url(url: str) -> str:
    """Scheme, host and path only: a query string may hold a key."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"
