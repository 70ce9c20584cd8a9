"""Load test of the agent's HTTP contract (``POST /invocations``), run by ``scaffold loadtest`` or by hand:
``locust -f tests/load/locustfile.py --host http://127.0.0.1:8080``.

Every virtual user has its own identity (the next bearer token of ``LOADTEST_TOKENS_FILE``, one per line,
when the server checks JWTs; SigV4 with the caller's AWS credentials when ``LOADTEST_SIGV4=service:region``)
and its own session, and checks every answer, not only the status: a JSON
reply, with text, in the user's own session, and (``LOADTEST_EXACT=1``, the offline model) the exact
calculator result. Each session's completed turns go to ``LOADTEST_TURNS_FILE`` when the test stops, so
``scaffold loadtest`` can look for turns the session history lost.

Extend it: add ``@task`` methods (weights: ``@task(3)``), other prompts, ``wait_time`` for think time.
"""

from __future__ import annotations

import json
import os
import random
import threading
import uuid
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant, events, task

PATH = os.environ.get("LOADTEST_PATH", "/invocations")
EXACT = os.environ.get("LOADTEST_EXACT") == "1"
SIGV4 = os.environ.get("LOADTEST_SIGV4", "")  # "service:region" for IAM targets (lambda, bedrock-agentcore)
SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"  # AgentCore routes sessions by it


def _tokens() -> list[str]:
    path = os.environ.get("LOADTEST_TOKENS_FILE")
    return [line.strip() for line in Path(path).read_text().splitlines() if line.strip()] if path else []


TOKENS = _tokens()
TURNS: dict[str, int] = {}
_next_user = iter(range(10**9))
_lock = threading.Lock()


class AgentUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        with _lock:
            number = next(_next_user)
        self.session_id = str(uuid.uuid4())
        self.headers = {"Accept": "application/json", "Content-Type": "application/json"}
        self.headers[SESSION_HEADER] = self.session_id
        if TOKENS:
            self.headers["Authorization"] = f"Bearer {TOKENS[number % len(TOKENS)]}"
        TURNS[self.session_id] = 0

    @task
    def ask_the_calculator(self) -> None:
        a, b = random.randint(2, 999), random.randint(2, 999)
        prompt = f"What is {a}*{b}? Ask the calculator expression={a}*{b}"
        body = json.dumps({"prompt": prompt, "session_id": self.session_id})
        expected = f"The calculator tool returned: {a * b}"
        headers = sign(f"{self.host}{PATH}", body, self.headers) if SIGV4 else self.headers
        post = self.client.post(PATH, data=body, headers=headers, name=PATH, catch_response=True)
        with post as response:
            problem = check_reply(response, self.session_id, expected=expected)
            if problem:
                response.failure(problem)
            else:
                response.success()
                TURNS[self.session_id] += 1


def check_reply(response: Any, session_id: str, expected: str) -> str | None:
    """Why the answer is wrong (the error kind in the report), or None when it is right."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    try:
        reply = response.json()
    except ValueError:
        return "reply is not JSON"
    if not isinstance(reply, dict) or not isinstance(reply.get("text"), str) or not reply["text"]:
        return "reply has no text"
    if reply.get("session_id") != session_id:
        return "reply is for another session"
    if EXACT and reply["text"] != expected:
        return "wrong answer"
    return None


def sign(url: str, body: str, headers: dict[str, str]) -> dict[str, str]:
    """SigV4 headers for one request, with the caller's AWS credentials (botocore's default chain)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    service, region = SIGV4.split(":", 1)
    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    SigV4Auth(_credentials(), service, region).add_auth(request)
    return dict(request.headers.items())


_CREDENTIALS: list[Any] = []


def _credentials() -> Any:
    if not _CREDENTIALS:
        import botocore.session

        found = botocore.session.Session().get_credentials()
        if found is None:
            raise RuntimeError("LOADTEST_SIGV4 is set but no AWS credentials were found.")
        _CREDENTIALS.append(found.get_frozen_credentials())
    return _CREDENTIALS[0]


@events.test_stop.add_listener
def write_turns(**_kwargs: Any) -> None:
    path = os.environ.get("LOADTEST_TURNS_FILE")
    if path:
        Path(path).write_text(json.dumps(TURNS), encoding="utf-8")
