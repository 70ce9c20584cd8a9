"""The portability claim, tested: one generated project, one prompt, four targets, the same answer.

Each target runs the way a user runs it, in its own process inside the generated project (its package
from the project, the runtime library from the environment): the local entrypoint as a command, the
AgentCore and FastAPI apps under uvicorn on real sockets, and the Lambda handler fed a Function URL event.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from agent_scaffold_runtime import sse

from tests.support.processes import project_env, run_ok, running_server

PROMPTS = ["use calculator expression=6*7", "Plan a trip to Lisbon"]
EVENTS = Path(__file__).parent.parent / "events"


def python_in(project: Path, *args: str, stdin: str | None = None) -> str:
    """``python ARGS`` in a fresh process inside the project (as its developer runs it); its stdout."""
    return run_ok(
        [sys.executable, *args], input=stdin, cwd=project, env=project_env(project), timeout=120
    ).stdout


def local_reply(project: Path, prompt: str) -> dict[str, Any]:
    reply: dict[str, Any] = json.loads(
        python_in(project, "-m", "portable_agent.entrypoints.local", prompt, "--json")
    )
    return reply


def lambda_reply(project: Path, prompt: str) -> dict[str, Any]:
    event = json.loads((EVENTS / "function_url.json").read_text())
    event["body"] = json.dumps({"prompt": prompt})
    code = (
        "import json, sys; from portable_agent.entrypoints.lambda_handler import handler;"
        "print(json.dumps(handler(json.load(sys.stdin), None)))"
    )
    response = json.loads(python_in(project, "-c", code, stdin=json.dumps(event)))
    assert response["statusCode"] == 200, response
    reply: dict[str, Any] = json.loads(response["body"])
    return reply


@pytest.fixture(scope="module")
def servers(generated_project: Path) -> Iterator[dict[str, str]]:
    apps = {
        "agentcore": "portable_agent.entrypoints.agentcore_app:app",
        "fastapi": "portable_agent.entrypoints.http_app:app",
    }
    with (
        running_server(generated_project, apps["agentcore"]) as agentcore,
        running_server(generated_project, apps["fastapi"]) as fastapi,
    ):
        yield {"agentcore": agentcore, "fastapi": fastapi}


def http_reply(url: str, prompt: str) -> dict[str, Any]:
    response = httpx.post(f"{url}/invocations", json={"prompt": prompt}, timeout=60)
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    return reply


def http_streamed_text(url: str, prompt: str) -> str:
    with httpx.stream("POST", f"{url}/invocations", json={"prompt": prompt, "stream": True}, timeout=60) as r:
        events = sse.decode_lines(list(r.iter_lines()))
    return "".join(e for e in events if isinstance(e, str))


def comparable(reply: dict[str, Any]) -> dict[str, Any]:
    """Everything but the session id (fresh per call) and wall-clock duration."""
    return {
        "text": reply["text"],
        "stop_reason": reply["stop_reason"],
        "usage": reply["usage"],
        "cycles": reply["metrics"]["cycles"],
        "tool_calls": reply["metrics"]["tool_calls"],
    }


@pytest.mark.parametrize("prompt", PROMPTS)
def test_same_prompt_same_answer_on_all_four_targets(
    generated_project: Path, servers: dict[str, str], prompt: str
) -> None:
    replies = {
        "local": local_reply(generated_project, prompt),
        "lambda": lambda_reply(generated_project, prompt),
        "agentcore": http_reply(servers["agentcore"], prompt),
        "fastapi": http_reply(servers["fastapi"], prompt),
    }
    expected = comparable(replies["local"])
    assert {target: comparable(reply) for target, reply in replies.items()} == dict.fromkeys(
        replies, expected
    )
    assert expected["text"] in ("The calculator tool returned: 42", f"You said: {prompt}")
    # Streaming is the same answer too, chunk by chunk.
    for target in ("agentcore", "fastapi"):
        assert http_streamed_text(servers[target], prompt) == expected["text"]
