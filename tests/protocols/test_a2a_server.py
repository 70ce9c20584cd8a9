"""The agent as an A2A server, called by the ``a2a-sdk`` client over a real socket."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from a2a.types import TaskArtifactUpdateEvent
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.protocols import a2a_server

from tests.protocols.a2a_client import ask
from tests.support import demo_core
from tests.support.servers import serving

PROMPT = "use calculator expression=6*7"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    app = a2a_server.create_app(
        AgentRef("tests.support.demo_core"),
        name="demo-agent",
        description="Answers questions.",
        tools=[demo_core.calculator],
    )
    with serving(app) as base:
        yield base


def test_card_names_the_agent_and_its_tools(url: str) -> None:
    card = httpx.get(f"{url}/.well-known/agent-card.json", timeout=10).json()
    assert card["name"] == "demo-agent" and card["description"] == "Answers questions."
    assert card["capabilities"]["streaming"] is True
    assert [skill["id"] for skill in card["skills"]] == ["ask", "calculator"]


@pytest.mark.parametrize("streaming", [False, True], ids=["send", "stream"])
def test_same_answer_as_call_agent_streamed_and_not(url: str, streaming: bool) -> None:
    result = ask(url, PROMPT, streaming=streaming)
    assert result.card.name == "demo-agent"
    assert result.state == "completed"
    assert result.text == demo_core.call_agent("local", PROMPT).text == "The calculator tool returned: 42"
    chunks = [u for u in result.updates if isinstance(u, TaskArtifactUpdateEvent)]
    if streaming:
        assert len(chunks) > 2, "the answer arrives as several artifact chunks"
        assert chunks[-1].last_chunk is True
    else:
        assert chunks == []


def test_a_blank_prompt_fails_the_task_with_the_reason(url: str) -> None:
    result = ask(url, "   ", streaming=False)
    assert result.state == "failed"
    assert result.text.startswith("invalid_request:")


def test_same_auth_as_invocations(jwt_defaults: dict[str, str], good_token: str, forged_token: str) -> None:
    app = a2a_server.create_app(AgentRef("tests.support.demo_core"), defaults=jwt_defaults)
    with serving(app) as base:
        assert httpx.get(f"{base}/.well-known/agent-card.json", timeout=10).status_code == 200
        body = {"jsonrpc": "2.0", "id": 1, "method": "tasks/get", "params": {"id": "x"}}
        for headers in ({}, {"Authorization": f"Bearer {forged_token}"}):
            response = httpx.post(f"{base}/", json=body, headers=headers, timeout=10)
            assert response.status_code == 401, response.text
            assert response.headers["www-authenticate"].startswith("Bearer")
        result = ask(base, "whoami", streaming=False, token=good_token)
    assert result.text.startswith("user=5f2a1c3e-0000-4000-8000-00000000abcd ")
