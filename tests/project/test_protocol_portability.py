"""The portability claim across protocols: one generated project, one prompt, the same answer over HTTP JSON,
SSE, WebSocket, MCP, A2A (sent and streamed) and AG-UI, each server in its own process on a real socket.

The project is generated with every protocol (``protocols=[mcp,a2a,agui]``) and runs on the offline model;
each server is the project's own entrypoint under uvicorn, and each client is that protocol's real one
(httpx, ``websockets``, the official ``mcp`` client, the ``a2a-sdk`` client, an AG-UI SSE read).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from agent_scaffold_runtime import sse
from websockets.sync.client import connect

from tests.project.conftest import generate
from tests.protocols.a2a_client import ask
from tests.protocols.mcp_client import tool_text, with_session
from tests.support.agui import run_input
from tests.support.processes import running_server

PROMPTS = ["use calculator expression=6*7", "Plan a trip to Lisbon"]
APPS = {
    "agentcore": "multi_protocol_agent.entrypoints.agentcore_app:app",
    "fastapi": "multi_protocol_agent.entrypoints.http_app:app",
    "mcp": "multi_protocol_agent.entrypoints.mcp_server:app",
    "a2a": "multi_protocol_agent.entrypoints.a2a_server:app",
    "agui": "multi_protocol_agent.entrypoints.agui_app:app",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(
        tmp_path_factory.mktemp("generated") / "multi-protocol-agent",
        project_name="multi-protocol-agent",
        protocols=["mcp", "a2a", "agui"],
    )


@pytest.fixture(scope="module")
def servers(project: Path) -> Iterator[dict[str, str]]:
    with (
        running_server(project, APPS["agentcore"]) as agentcore,
        running_server(project, APPS["fastapi"]) as fastapi,
        running_server(project, APPS["mcp"]) as mcp,
        running_server(project, APPS["a2a"]) as a2a,
        running_server(project, APPS["agui"]) as agui,
    ):
        yield {"agentcore": agentcore, "fastapi": fastapi, "mcp": mcp, "a2a": a2a, "agui": agui}


def http_json(url: str, prompt: str) -> str:
    response = httpx.post(f"{url}/invocations", json={"prompt": prompt}, timeout=60)
    assert response.status_code == 200, response.text
    return str(response.json()["text"])


def http_sse(url: str, prompt: str) -> str:
    with httpx.stream("POST", f"{url}/invocations", json={"prompt": prompt, "stream": True}, timeout=60) as r:
        events = sse.decode_lines(list(r.iter_lines()))
    assert events[-1]["done"] is True
    return "".join(e for e in events if isinstance(e, str))


def websocket(url: str, prompt: str) -> str:
    with connect("ws" + url.removeprefix("http") + "/ws") as ws:
        ws.send(json.dumps({"prompt": prompt}))
        chunks: list[str] = []
        while True:
            event = json.loads(ws.recv(timeout=60))
            if not isinstance(event, str):
                assert event.get("done") is True, event
                assert event["reply"]["text"] == "".join(chunks)
                return "".join(chunks)
            chunks.append(event)


def mcp(url: str, prompt: str) -> str:
    result = with_session(f"{url}/mcp", lambda s: s.call_tool("ask_agent", {"prompt": prompt}))
    assert result.is_error is False
    return tool_text(result)


def agui(url: str, prompt: str) -> str:
    run = run_input(prompt)
    with httpx.stream("POST", f"{url}/invocations", json=run, timeout=60) as response:
        events = sse.decode_lines(list(response.iter_lines()))
    assert events[-1]["type"] == "RUN_FINISHED"
    return "".join(e["delta"] for e in events if e["type"] == "TEXT_MESSAGE_CONTENT")


@pytest.mark.parametrize("prompt", PROMPTS)
def test_same_prompt_same_answer_over_every_protocol(servers: dict[str, str], prompt: str) -> None:
    answers = {
        "http json": http_json(servers["agentcore"], prompt),
        "sse": http_sse(servers["agentcore"], prompt),
        "websocket (agentcore)": websocket(servers["agentcore"], prompt),
        "websocket (fastapi)": websocket(servers["fastapi"], prompt),
        "mcp": mcp(servers["mcp"], prompt),
        "a2a send": ask(servers["a2a"], prompt, streaming=False).text,
        "a2a stream": ask(servers["a2a"], prompt, streaming=True).text,
        "ag-ui": agui(servers["agui"], prompt),
    }
    expected = answers["http json"]
    assert expected in ("The calculator tool returned: 42", f"You said: {prompt}")
    assert answers == dict.fromkeys(answers, expected)
