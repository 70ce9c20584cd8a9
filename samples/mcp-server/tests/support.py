"""Test helpers: the fixed dates, Lambda Function URL events, MCP JSON-RPC bodies, stored bookings."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

TODAY = dt.date(2026, 6, 3)  # a Wednesday
NEXT_MONDAY = dt.date(2026, 6, 8)
PROTOCOL_VERSION = "2025-06-18"
FUNCTION_URL_HOST = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws"


def function_url_event(
    body: Any = None,
    *,
    method: str = "POST",
    path: str = "/mcp",
    token: str | None = None,
    host: str = FUNCTION_URL_HOST,
    base64_body: bool = False,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A Lambda Function URL event (payload 2.0), as Lambda delivers it."""
    all_headers = {
        "accept": "application/json, text/event-stream",
        "content-type": "application/json",
        "host": host,
        "x-forwarded-proto": "https",
        "x-forwarded-port": "443",
        "mcp-protocol-version": PROTOCOL_VERSION,
        **({"authorization": f"Bearer {token}"} if token else {}),
        **(headers or {}),
    }
    text = "" if body is None else json.dumps(body)
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": all_headers,
        "requestContext": {
            "domainName": host,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.10"},
            "requestId": "test-request",
        },
        "body": base64.b64encode(text.encode()).decode() if base64_body else text,
        "isBase64Encoded": base64_body,
    }


def rpc(method: str, params: dict[str, Any] | None = None, request_id: int = 1) -> dict[str, Any]:
    body: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None:
        body["params"] = params
    return body


def initialize() -> dict[str, Any]:
    return rpc(
        "initialize",
        {
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "tests", "version": "1"},
        },
    )


def call_tool(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return rpc("tools/call", {"name": name, "arguments": arguments}, request_id=3)


def tool_text(response: dict[str, Any]) -> str:
    """The text a ``tools/call`` answered, from a Lambda response."""
    assert response["statusCode"] == 200, response
    result = json.loads(response["body"])["result"]
    assert not result["isError"], result
    return "".join(item["text"] for item in result["content"] if item["type"] == "text")


def stored(bookings_dir: Path) -> list[dict[str, Any]]:
    """Every booking on disk, whoever it belongs to."""
    files = sorted(bookings_dir.glob("*.json")) if bookings_dir.exists() else []
    return [booking for path in files for booking in json.loads(path.read_text())["bookings"]]
