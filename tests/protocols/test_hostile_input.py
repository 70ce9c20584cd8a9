"""Hostile input to the protocol servers: oversized or malformed bodies get a 4xx with a JSON error, and the
server keeps answering."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.protocol import Limits
from agent_scaffold_runtime.protocols import a2a_server, agui, mcp_server

from tests.support.servers import serving

LIMITS = Limits(max_prompt_chars=1000, max_body_bytes=4096)
SERVERS: dict[str, tuple[Callable[..., Any], str]] = {
    "mcp": (mcp_server.create_app, "/mcp"),
    "a2a": (a2a_server.create_app, "/"),
    "agui": (agui.create_app, "/invocations"),
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    create, path = SERVERS[request.param]
    with serving(create(AgentRef("tests.support.demo_core"), limits=LIMITS)) as base:
        yield base + path


def test_an_oversized_body_is_a_413_json_error(server: str) -> None:
    response = httpx.post(server, content=b'{"x": "' + b"a" * 10_000 + b'"}', headers=HEADERS, timeout=30)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"jsonrpc": "2.0"}', b"\xff\xfe"])
def test_malformed_bodies_are_4xx_and_the_server_goes_on(server: str, body: bytes) -> None:
    response = httpx.post(server, content=body, headers=HEADERS, timeout=30)
    if response.status_code == 200:  # JSON-RPC servers answer a protocol error in a 200 body
        assert "error" in response.json()
    else:
        assert 400 <= response.status_code < 500, response.text
    ping = httpx.get(server.rsplit("/", 1)[0].rstrip("/") + "/ping", timeout=10)
    assert ping.status_code == 200
