"""``scaffold invoke`` against servers on real loopback sockets: a scripted one speaking the wire contract
(docs/architecture.md), and the project's own servers started with ``scaffold serve``."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from scaffold.errors import ExitCode

CHUNKS = ("Hello", ", ", "world")


@dataclass
class ScriptedAgentServer:
    """An agent server whose behaviour each test chooses; records what it received."""

    chunks: tuple[str, ...] = CHUNKS
    error_status: int | None = None
    plain_error: bool = False
    fail_mid_stream: bool = False
    end_without_reply: bool = False
    delay_s: float = 0.0
    gate: threading.Event | None = None  # when set, the stream pauses after its first chunk until released
    received: list[tuple[dict[str, str], str, dict[str, Any]]] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self.invocations, methods=["POST"])])

    async def invocations(self, request: Request) -> Response:
        body = await request.json()
        self.received.append((dict(request.headers), request.url.path, body))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.plain_error:
            return PlainTextResponse("upstream exploded", status_code=502)
        if self.error_status:
            error = {"error": "Field 'prompt' must not be blank.", "code": "invalid_request"}
            return JSONResponse(error, status_code=self.error_status)
        reply = {
            "text": "".join(self.chunks),
            "stop_reason": "end_turn",
            "session_id": body.get("session_id") or "server-made-session",
            "usage": {"input_tokens": 3, "output_tokens": 3, "total_tokens": 6},
            "metrics": {"cycles": 1, "duration_s": 0.01, "tool_calls": {}},
        }
        if not body.get("stream"):
            return JSONResponse(reply)
        return StreamingResponse(self.events(reply), media_type="text/event-stream")

    async def events(self, reply: dict[str, Any]):
        for index, chunk in enumerate(self.chunks):
            yield f"data: {json.dumps(chunk)}\n\n"
            if index == 0 and self.gate is not None:
                await asyncio.to_thread(self.gate.wait, 20)
        if self.fail_mid_stream:
            yield 'data: {"error": "The agent failed (RuntimeError)."}\n\n'
            return
        if self.end_without_reply:
            return
        yield f"data: {json.dumps({'done': True, 'text': '', 'reply': reply})}\n\n"


@pytest.fixture
def scripted(http_server):
    """``start(**behaviour)`` -> (server, base URL); servers stop at the end of the test."""
    stack: list[Any] = []

    def start(**behaviour: Any) -> tuple[ScriptedAgentServer, str]:
        server = ScriptedAgentServer(**behaviour)
        context = http_server(server.app())
        url = context.__enter__()
        stack.append(context)
        return server, url

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)


def test_streamed_text_is_printed_and_the_session_goes_to_stderr(cli_in_process, scripted):
    server, url = scripted()

    result = cli_in_process(["invoke", "Hi there", "--url", url])

    assert result.exit_code == 0, result.output
    assert result.stdout == "Hello, world\n"
    assert result.stderr == "session: server-made-session\n"
    headers, path, body = server.received[0]
    assert path == "/invocations"
    assert headers["accept"] == "text/event-stream"
    assert body == {"prompt": "Hi there", "stream": True}


def test_session_id_is_sent_and_json_prints_only_the_final_reply(cli_in_process, scripted):
    server, url = scripted()

    result = cli_in_process(["invoke", "Again", "--url", url, "--session-id", "s-42", "--json"])

    assert result.exit_code == 0, result.output
    reply = json.loads(result.stdout)
    assert reply["text"] == "Hello, world"
    assert reply["session_id"] == "s-42"
    assert server.received[0][2]["session_id"] == "s-42"


def test_no_stream_asks_for_one_json_reply(cli_in_process, scripted):
    server, url = scripted()

    result = cli_in_process(["invoke", "Hi", "--url", url, "--no-stream"])

    assert result.exit_code == 0, result.output
    assert result.stdout == "Hello, world\n"
    headers, _, body = server.received[0]
    assert body["stream"] is False
    assert headers["accept"] == "application/json"


def test_an_explicit_path_is_kept(cli_in_process, scripted):
    server, url = scripted()

    result = cli_in_process(["invoke", "Hi", "--url", f"{url}/custom/path"])

    assert result.exit_code == 0, result.output
    assert server.received[0][1] == "/custom/path"


def test_text_is_printed_as_it_arrives(scaffold_argv_env, scripted):
    gate = threading.Event()
    _, url = scripted(gate=gate)
    argv, env = scaffold_argv_env
    process = subprocess.Popen([*argv, "invoke", "Hi", "--url", url], stdout=subprocess.PIPE, env=env)
    try:
        assert process.stdout is not None
        first = os.read(process.stdout.fileno(), 100)  # blocks until the first chunk is written

        assert first == b"Hello"  # printed while the server still holds the rest of the stream
        gate.set()
        rest, _ = process.communicate(timeout=30)
    finally:
        gate.set()
        if process.poll() is None:
            process.kill()
    assert first + rest == b"Hello, world\n"
    assert process.returncode == 0


def test_an_error_status_exits_1_with_the_servers_message(cli_in_process, scripted):
    _, url = scripted(error_status=400)

    result = cli_in_process(["invoke", "Hi", "--url", url])

    assert result.exit_code == ExitCode.FAILURE
    assert result.stderr.strip() == (
        f"Error: The server at {url}/invocations answered 400 (invalid_request): "
        "Field 'prompt' must not be blank."
    )


@pytest.mark.parametrize(
    ("server", "stdout", "error"),
    [
        pytest.param({"plain_error": True}, "", "answered 502: upstream exploded", id="non-json-error-body"),
        pytest.param(
            {"fail_mid_stream": True},
            "Hello, world\n",  # what streamed before the error, the line ended
            "The agent failed mid-stream: The agent failed (RuntimeError).",
            id="error-event-mid-stream",
        ),
        pytest.param(
            {"end_without_reply": True}, None, "ended the stream without a final reply", id="no-final-reply"
        ),
    ],
)
def test_a_failed_answer_exits_1_and_says_why(cli_in_process, scripted, server, stdout, error):
    _, url = scripted(**server)

    result = cli_in_process(["invoke", "Hi", "--url", url])

    assert result.exit_code == ExitCode.FAILURE
    if stdout is not None:
        assert result.stdout == stdout
    assert error in result.stderr


def test_a_silent_server_times_out(cli_in_process, scripted):
    _, url = scripted(delay_s=1.5)

    result = cli_in_process(["invoke", "Hi", "--url", url, "--timeout", "0.3"])

    # The server does answer after 1.5 s: "No answer" proves the 0.3 s timeout fired first.
    assert result.exit_code == ExitCode.FAILURE
    assert "No answer from" in result.stderr and "--timeout" in result.stderr


def test_a_closed_port_says_to_start_the_server(cli_in_process, unused_port):
    result = cli_in_process(["invoke", "Hi", "--url", f"http://127.0.0.1:{unused_port}"])

    assert result.exit_code == ExitCode.FAILURE
    assert result.stderr.strip() == (
        f"Error: Could not connect to http://127.0.0.1:{unused_port}/invocations: is the server running? "
        "(scaffold serve --target agentcore)"
    )


@pytest.mark.parametrize("url", ["ftp://example.com", "http://", "http://host:99999"])
def test_an_invalid_url_is_bad_input(cli_in_process, url):
    result = cli_in_process(["invoke", "Hi", "--url", url])

    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Invalid URL" in result.stderr


@pytest.fixture
def scaffold_argv_env(scaffold_executable):
    """argv for the real console script and an environment without PYTHONUNBUFFERED, so the test relies on
    the CLI's own flushing."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    return scaffold_executable, env


@pytest.mark.parametrize("target", ["agentcore", "fastapi"])
def test_invoke_against_the_projects_own_server(
    background_scaffold, cli_subprocess, project, unused_port, target
):
    url = f"http://127.0.0.1:{unused_port}"
    with background_scaffold(["serve", "--target", target, "--port", str(unused_port)], cwd=project):
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not answer /ping"
            time.sleep(0.1)

        streamed = cli_subprocess(
            ["invoke", "hello", "--url", url, "--session-id", "e2e-session"], cwd=project
        )
        as_json = cli_subprocess(["invoke", "hello", "--url", url, "--json"], cwd=project)
        rejected = cli_subprocess(["invoke", "   ", "--url", url], cwd=project)

    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout == "You said: hello\n"
    assert "session: e2e-session" in streamed.stderr
    assert json.loads(as_json.stdout)["text"] == "You said: hello"
    assert rejected.returncode == ExitCode.FAILURE
    assert "answered 400 (invalid_request)" in rejected.stderr
