"""Locust plumbing for load tests of an agent's HTTP contract (``POST /invocations``), so a project's
``tests/load/locustfile.py`` holds only what its virtual users ask: it subclasses :class:`AgentLoadUser`
and its ``@task`` methods call :meth:`AgentLoadUser.ask`.

``scaffold loadtest`` runs the locustfile and sets the variables below; by hand, install the ``loadtest``
extra (``pip install 'agent-scaffold-runtime[loadtest]'``) and run ``locust -f tests/load/locustfile.py
--host URL`` with the ones that apply. They are the contract with ``scaffold loadtest`` and with the
workers of a distributed Locust run:

* ``LOADTEST_PATH``: the path requests are POSTed to (default ``/invocations``).
* ``LOADTEST_TOKENS_FILE``: bearer tokens, one per line, when the server checks JWTs; each virtual user
  takes the next one, so users are distinct identities as long as there are tokens enough.
* ``LOADTEST_SIGV4=service:region``: sign every request with SigV4 and the caller's AWS credentials
  (botocore's default chain), for IAM targets (``lambda``, ``bedrock-agentcore``).
* ``LOADTEST_EXACT=1``: an answer must be exactly the expected text (only the offline model is that
  predictable).
* ``LOADTEST_TURNS_FILE``: where each session's completed turns go (JSON, session id to count) when the
  test stops, so ``scaffold loadtest`` can look for turns the session history lost.

Importing this module imports Locust (and so gevent's monkey-patching) and registers the test-stop
listener: only locustfiles import it, never the agent or its tests.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import uuid
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant, events

#: AgentCore Runtime routes a conversation to its session by this header; the other targets ignore it.
SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
#: Completed turns per session id, written to ``LOADTEST_TURNS_FILE`` when the test stops.
TURNS: dict[str, int] = {}
_user_numbers = itertools.count()  # gevent switches only at I/O, so next() needs no lock


class AgentLoadUser(FastHttpUser):
    """A virtual user with its own identity and session that checks every answer, not only the status.

    ``abstract``: Locust runs the project's subclasses, not this base, even though the locustfile
    imports it. Think time is none (``wait_time``); a subclass sets its own.
    """

    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        self.session_id = str(uuid.uuid4())
        self.path = os.environ.get("LOADTEST_PATH", "/invocations")
        self.exact = os.environ.get("LOADTEST_EXACT") == "1"
        self.sigv4 = os.environ.get("LOADTEST_SIGV4", "")
        self.headers = {"Accept": "application/json", "Content-Type": "application/json"}
        self.headers[SESSION_HEADER] = self.session_id
        tokens = _tokens(os.environ.get("LOADTEST_TOKENS_FILE", ""))
        if tokens:
            self.headers["Authorization"] = f"Bearer {tokens[next(_user_numbers) % len(tokens)]}"
        TURNS[self.session_id] = 0

    def ask(self, prompt: str, expected: str | None = None) -> str | None:
        """Send ``prompt`` in this user's session; return the reply's text, or None when the request failed.

        A wrong reply fails the request in Locust's statistics under its kind (``HTTP 503``, ``reply is
        not JSON``, ``reply is for another session``, ...; see :func:`check_reply`). ``expected`` is the
        exact answer, checked only with ``LOADTEST_EXACT=1``.
        """
        body = json.dumps({"prompt": prompt, "session_id": self.session_id})
        headers = self.headers
        if self.sigv4:
            headers = sign(f"{self.host}{self.path}", body, headers, self.sigv4)
        post = self.client.post(self.path, data=body, headers=headers, name=self.path, catch_response=True)
        with post as response:
            problem, text = check_reply(response, self.session_id, expected if self.exact else None)
            if problem:
                response.failure(problem)
                return None
            response.success()
            TURNS[self.session_id] += 1
            return text


def check_reply(response: Any, session_id: str, expected: str | None = None) -> tuple[str | None, str]:
    """Why the answer is wrong (the error kind in the report, None when it is right) and the reply's text.

    Right is a 200 with a JSON object whose ``text`` is not empty, for the user's own session, and exactly
    ``expected`` if given. The body is parsed once: at a few hundred requests/s, Locust's one core is the
    limit (the toolkit measures it: docs/benchmarks.md, "Load generator capacity").
    """
    if response.status_code != 200:
        return f"HTTP {response.status_code}", ""
    try:
        reply = response.json()
    except ValueError:
        return "reply is not JSON", ""
    if not isinstance(reply, dict) or not isinstance(reply.get("text"), str) or not reply["text"]:
        return "reply has no text", ""
    if reply.get("session_id") != session_id:
        return "reply is for another session", reply["text"]
    if expected is not None and reply["text"] != expected:
        return "wrong answer", reply["text"]
    return None, reply["text"]


def sign(url: str, body: str, headers: dict[str, str], sigv4: str) -> dict[str, str]:
    """SigV4 headers for one POST; ``sigv4`` is ``service:region``."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    service, region = sigv4.split(":", 1)
    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    SigV4Auth(_credentials(), service, region).add_auth(request)
    return dict(request.headers.items())


@functools.cache
def _credentials() -> Any:
    """The caller's AWS credentials, resolved once per process (a provider chain lookup per request would
    be the load generator's bottleneck)."""
    import botocore.session

    found = botocore.session.Session().get_credentials()
    if found is None:
        raise RuntimeError("LOADTEST_SIGV4 is set but no AWS credentials were found.")
    return found.get_frozen_credentials()


@functools.cache
def _tokens(path: str) -> tuple[str, ...]:
    if not path:
        return ()
    return tuple(line.strip() for line in Path(path).read_text().splitlines() if line.strip())


@events.test_stop.add_listener
def write_turns(**_kwargs: Any) -> None:
    path = os.environ.get("LOADTEST_TURNS_FILE")
    if path:
        Path(path).write_text(json.dumps(TURNS), encoding="utf-8")
