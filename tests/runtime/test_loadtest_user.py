"""``agent_scaffold_runtime.loadtest``: the Locust user a project's locustfile subclasses, run by Locust
itself (a subprocess: importing Locust monkey-patches the process with gevent) against a real server that
answers each prompt in its own way, right or wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import Request

from tests.support.servers import serving

#: Six prompts, six answers: "case N" -> (status, body). Only case 0 is right in every way; case 1 is
#: a well-formed reply with another text (wrong only when the answer must be exact).
SESSION = "{session}"
ANSWERS: dict[str, tuple[int, Any]] = {
    "case 0": (200, {"text": "right", "session_id": SESSION}),
    "case 1": (200, {"text": "not what was expected", "session_id": SESSION}),
    "case 2": (200, {"text": "right", "session_id": "someone-else"}),
    "case 3": (200, "plain text"),
    "case 4": (503, {"error": "busy"}),
    "case 5": (200, {"text": "", "session_id": SESSION}),
}
#: One user asks each case once, writes Locust's own record of the failures (error name -> occurrences),
#: then stops the run (Locust's CSV files, written when the run time ends, would miss them).
LOCUSTFILE = """
import json
import os

from agent_scaffold_runtime.loadtest import AgentLoadUser
from locust import task


class SixQuestions(AgentLoadUser):
    @task
    def ask_every_case(self) -> None:
        self.replies = [self.ask(f"case {case}", expected="right") for case in range(6)]
        errors = {e.to_name(): e.occurrences for e in self.environment.stats.errors.values()}
        record = {"errors": errors, "replies": self.replies}
        with open(os.environ["TEST_RECORD"], "w") as file:
            json.dump(record, file)
        self.environment.runner.quit()
"""


class ScriptedAgent:
    """Answers ``ANSWERS[prompt]``; records the path, headers and session of every request."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] != "http":
            return
        request = json.loads(await Request(scope, receive).body())
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.seen.append({"path": scope["path"], "session_id": request["session_id"], **headers})
        status, body = ANSWERS[request["prompt"]]
        if isinstance(body, dict):
            body = json.dumps({k: v.replace(SESSION, request["session_id"]) for k, v in body.items()})
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]}
        )
        await send({"type": "http.response.body", "body": body.encode()})


def run_locust(tmp_path: Path, url: str, exact: bool) -> tuple[dict[str, Any], dict[str, int]]:
    """Locust with one user that asks the six cases once; what it recorded and the turns file."""
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text(LOCUSTFILE, encoding="utf-8")
    (tmp_path / "tokens").write_text("token-one\n\n", encoding="utf-8")
    env = {
        **os.environ,
        "LOADTEST_PATH": "/custom/invocations",
        "LOADTEST_TOKENS_FILE": str(tmp_path / "tokens"),
        "LOADTEST_TURNS_FILE": str(tmp_path / "turns.json"),
        "LOADTEST_EXACT": "1" if exact else "0",
        "TEST_RECORD": str(tmp_path / "record.json"),
    }
    argv = [
        sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "--users", "1",
        "--spawn-rate", "1", "--run-time", "120s", "--host", url, "--only-summary",
        "--exit-code-on-error", "0", "--loglevel", "WARNING",
    ]  # fmt: skip
    completed = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    turns = json.loads((tmp_path / "turns.json").read_text(encoding="utf-8"))
    return json.loads((tmp_path / "record.json").read_text(encoding="utf-8")), turns


@pytest.mark.parametrize("exact", [True, False])
def test_every_wrong_reply_is_a_failure_of_its_kind(tmp_path: Path, exact: bool) -> None:
    agent = ScriptedAgent()

    with serving(agent) as url:
        record, turns = run_locust(tmp_path, url, exact)

    kinds = ["reply is for another session", "reply is not JSON", "HTTP 503", "reply has no text"]
    kinds += ["wrong answer"] if exact else []
    assert record["errors"] == {f"POST /custom/invocations: {kind}": 1 for kind in kinds}
    second = None if exact else "not what was expected"
    assert record["replies"] == ["right", second, None, None, None, None]
    [session] = {request["session_id"] for request in agent.seen}
    assert turns == {session: 1 if exact else 2}
    assert len(agent.seen) == 6
    for request in agent.seen:
        assert request["path"] == "/custom/invocations"
        assert request["authorization"] == "Bearer token-one"
        assert request["x-amzn-bedrock-agentcore-runtime-session-id"] == session
