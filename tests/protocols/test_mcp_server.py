"""The agent as an MCP server, called by the official ``mcp`` client over a real socket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.protocols import mcp_server
from mcp.client.session import ClientSession

from tests.protocols.mcp_client import tool_text, with_session
from tests.support import demo_core
from tests.support.servers import serving

PROMPT = "use calculator expression=6*7"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    app = mcp_server.create_app(
        AgentRef("tests.support.demo_core"), name="demo-agent", description="Answers questions."
    )
    with serving(app) as base:
        yield f"{base}/mcp"


@pytest.fixture(scope="module")
def jwt_url(jwt_defaults: dict[str, str]) -> Iterator[str]:
    app = mcp_server.create_app(AgentRef("tests.support.demo_core"), defaults=jwt_defaults)
    with serving(app) as base:
        yield f"{base}/mcp"


def test_lists_the_agent_tool_and_its_answer_equals_call_agent(url: str) -> None:
    async def work(session: ClientSession) -> tuple[Any, Any]:
        tools = await session.list_tools()
        result = await session.call_tool("ask_agent", {"prompt": PROMPT})
        return tools, result

    tools, result = with_session(url, work)
    [tool] = tools.tools
    assert tool.name == "ask_agent"
    assert "demo-agent" in (tool.description or "") and "Answers questions." in (tool.description or "")
    assert set(tool.input_schema["properties"]) == {"prompt", "session_id"}
    assert tool.input_schema["required"] == ["prompt"]
    assert result.is_error is False
    expected = demo_core.call_agent("local", PROMPT).text
    assert tool_text(result) == expected == "The calculator tool returned: 42"


def test_responses_are_json_and_stateless(url: str) -> None:
    """A bare JSON-RPC POST works with no session header: each request stands alone (AgentCore's contract)."""
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    headers = {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18"}
    response = httpx.post(url, json=body, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "mcp-session-id" not in response.headers
    assert response.json()["result"]["tools"][0]["name"] == "ask_agent"


def test_a_bad_prompt_is_a_tool_error_not_a_crash(url: str) -> None:
    result = with_session(url, lambda session: session.call_tool("ask_agent", {"prompt": "   "}))
    assert result.is_error is True
    assert "invalid_request" in tool_text(result)


def test_same_auth_as_invocations(jwt_url: str, good_token: str, forged_token: str) -> None:
    for token in (None, forged_token):
        response = httpx.post(
            jwt_url,
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}},
            headers={"Accept": "application/json, text/event-stream", **_bearer(token)},
            timeout=30,
        )
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["code"] in ("unauthorized", "invalid_token")
    result = with_session(jwt_url, lambda s: s.call_tool("ask_agent", {"prompt": "whoami"}), token=good_token)
    assert tool_text(result).startswith("user=5f2a1c3e-0000-4000-8000-00000000abcd ")
    assert httpx.get(jwt_url.removesuffix("/mcp") + "/ping", timeout=10).json() == {"status": "Healthy"}


def _bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}
