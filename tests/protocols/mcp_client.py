"""The official ``mcp`` client over streamable HTTP, as any MCP host would call the agent's server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

T = TypeVar("T")


def with_session(url: str, work: Callable[[ClientSession], Awaitable[T]], token: str | None = None) -> T:
    async def main() -> T:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        async with (
            create_mcp_http_client(headers=headers) as http,
            streamable_http_client(url, http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await work(session)

    return asyncio.run(main())


def tool_text(result: Any) -> str:
    return "".join(block.text for block in result.content if getattr(block, "type", "") == "text")
