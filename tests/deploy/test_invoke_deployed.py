"""``scaffold invoke --target lambda|agentcore``: the request our code builds, and parsing real replies.

moto cannot answer these two APIs: its Lambda ``Invoke`` runs the function in Docker (not available here),
and it has no AgentCore ``InvokeAgentRuntime``. So, for exactly these two operations and nothing else, a
botocore ``before-send`` hook captures the signed HTTP request the deployer built and returns an
``AWSResponse`` instead of sending it. The response is not invented: the Lambda one is what the project's
real handler returns for the captured event (run in a subprocess, as the Lambda runtime would), and the
AgentCore one is the byte stream the project's real ``BedrockAgentCoreApp`` (``scaffold serve``) sends for
the captured payload. Every other call (GetFunctionConfiguration, STS, the deploy itself) goes to moto.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from botocore.awsrequest import AWSResponse

from scaffold.deploy.aws import session_hooks
from scaffold.deploy.engine import deploy
from scaffold.deploy.invoke_agentcore import routing_session_id
from scaffold.deploy.progress import Progress
from scaffold.deploy.state import load_state
from scaffold.errors import ExitCode

from .conftest import PROJECT, run_cli

PROMPT = "What is 6*7? Ask the calculator expression=6*7"


class _Body:
    """The raw body botocore reads a response from (``read`` for streams, ``stream`` for everything else)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, amt: int | None = None) -> bytes:
        return self._data.read() if amt is None else self._data.read(amt)

    def stream(self, amt: int = 1024, decode_content: bool | None = None) -> Iterator[bytes]:
        while chunk := self._data.read(amt):
            yield chunk

    def close(self) -> None:
        pass


@dataclass
class Canned:
    """Answers one operation with ``respond(request) -> (status, headers, body)``; records each request."""

    event: str
    respond: Callable[[Any], tuple[int, dict[str, str], bytes]]
    requests: list[Any] = field(default_factory=list)

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        self.requests.append(request)
        status, headers, body = self.respond(request)
        headers = {**headers, "content-length": str(len(body))}
        return AWSResponse(request.url, status, headers, _Body(body))


@contextlib.contextmanager
def answering(event: str, respond: Callable[[Any], tuple[int, dict[str, str], bytes]]) -> Iterator[Canned]:
    canned = Canned(event, respond)
    with session_hooks((event, canned)):
        yield canned


def _header(request: Any, name: str) -> str:
    value = request.headers[name]
    return value.decode() if isinstance(value, bytes) else str(value)


def body_of(request: Any) -> Any:
    body = request.body
    return json.loads(body.decode() if isinstance(body, bytes) else body)


# --- Lambda -------------------------------------------------------------------------------------------------

HANDLER = """
import json, sys
from {package}.entrypoints.lambda_handler import handler
event = json.load(open(sys.argv[1]))
json.dump(handler(event, None), open(sys.argv[2], "w"))
"""


def real_lambda_handler(project: Path, environment: dict[str, str], tmp: Path):
    """What the deployed function returns: the project's handler run on the captured event, with the
    function's environment, in a fresh interpreter (as the Lambda runtime would)."""

    def respond(request: Any) -> tuple[int, dict[str, str], bytes]:
        event_file, result_file = tmp / "event.json", tmp / "result.json"
        event_file.write_bytes(request.body)
        env = {**os.environ, **environment, "AWS_LAMBDA_FUNCTION_NAME": PROJECT, "PYTHONPATH": str(project)}
        code = HANDLER.format(package="demo_agent")
        done = subprocess.run(
            [sys.executable, "-c", code, str(event_file), str(result_file)],
            cwd=tmp, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return 200, {"X-Amz-Executed-Version": "1"}, result_file.read_bytes()

    return respond


def deployed(project, moto, target):
    deploy(project, target, moto.options, progress=Progress(quiet=True))
    return load_state(project.root, target)


def invoke_deployed(project, moto, target: str, *options: str, prompt: str = "Hi"):
    """``scaffold invoke PROMPT -t TARGET`` against the project's deployment in moto, plus ``options``."""
    return run_cli(["invoke", prompt, "-t", target, "--project", str(project.root), *moto.cli_args, *options])


def the_signed_call_answered_42(
    result: Any, canned: Canned, *, path: str, query: dict[str, list[str]], service: str
) -> Any:
    """``invoke ... --session-id s-1`` printed the real agent's answer, after exactly one POST to ``path``
    signed with SigV4 for ``service`` in us-east-1; returns that request for the target's own checks."""
    assert result.exit_code == 0, result.output
    assert "42" in result.stdout
    assert result.stderr.strip() == "session: s-1"
    [request] = canned.requests
    url = urlsplit(request.url)
    assert request.method == "POST"
    assert url.path == path
    assert parse_qs(url.query) == query
    authorization = _header(request, "Authorization")
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert f"/us-east-1/{service}/aws4_request" in authorization
    return request


def deployed_lambda_handler(project, moto, tmp: Path):
    """Deploy the lambda target; return the responder that runs its real handler with the function's env."""
    deployed(project, moto, "lambda")
    environment = moto.client("lambda").get_function_configuration(FunctionName=PROJECT, Qualifier="live")
    return real_lambda_handler(project.root, environment["Environment"]["Variables"], tmp)


def test_lambda_invoke_sends_a_function_url_event_and_streams_the_real_handlers_reply(
    project, moto, artifact, tmp_path
):
    respond = deployed_lambda_handler(project, moto, tmp_path)

    with answering("before-send.lambda.Invoke", respond) as lambda_invoke:
        result = invoke_deployed(project, moto, "lambda", "--session-id", "s-1", prompt=PROMPT)

    request = the_signed_call_answered_42(
        result,
        lambda_invoke,
        path=f"/2015-03-31/functions/{PROJECT}/invocations",
        query={"Qualifier": ["live"]},
        service="lambda",
    )
    event = body_of(request)
    assert event["version"] == "2.0" and event["rawPath"] == "/invocations"
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["headers"]["accept"] == "text/event-stream"
    assert event["headers"]["x-amzn-bedrock-agentcore-runtime-session-id"] == "s-1"
    assert "authorization" not in event["headers"]
    assert json.loads(event["body"]) == {"prompt": PROMPT, "stream": True, "session_id": "s-1"}


def test_lambda_json_reply_with_no_stream(project, moto, artifact, tmp_path):
    respond = deployed_lambda_handler(project, moto, tmp_path)

    with answering("before-send.lambda.Invoke", respond):
        result = invoke_deployed(project, moto, "lambda", "--no-stream", "--json", prompt=PROMPT)

    assert result.exit_code == 0, result.output
    reply = json.loads(result.stdout)
    assert "42" in reply["text"] and reply["stop_reason"] == "end_turn"
    assert reply["metrics"]["tool_calls"] == {"calculator": 1}


JWT = (
    "auth=jwt",
    "jwt_discovery_url=https://issuer.example.com/.well-known/openid-configuration",
    "jwt_allowed_clients=client-a",
)


def test_lambda_with_jwt_sends_the_bearer_token_and_reports_a_401(make_project, moto, artifact):
    project = make_project(*JWT)
    deployed(project, moto, "lambda")
    refused = {
        "statusCode": 401,
        "headers": {"content-type": "application/json", "www-authenticate": 'Bearer error="invalid_token"'},
        "body": json.dumps({"error": "The token has expired.", "code": "unauthorized"}),
        "isBase64Encoded": False,
    }

    with answering(
        "before-send.lambda.Invoke", lambda request: (200, {}, json.dumps(refused).encode())
    ) as call:
        result = invoke_deployed(project, moto, "lambda", "--token", "eyJ.abc.def")

    assert result.exit_code == ExitCode.FAILURE
    assert (
        result.stderr.strip()
        == "Error: The lambda target answered 401 (unauthorized): The token has expired."
    )
    assert body_of(call.requests[0])["headers"]["authorization"] == "Bearer eyJ.abc.def"


def test_lambda_with_iam_auth_sends_a_direct_payload_and_reports_function_errors(
    make_project, moto, artifact
):
    project = make_project("auth=iam", "targets=[local,lambda,agentcore]")
    deployed(project, moto, "lambda")
    reply = {"text": "Hello!", "stop_reason": "end_turn", "session_id": "srv-1"}

    with answering(
        "before-send.lambda.Invoke", lambda request: (200, {}, json.dumps(reply).encode())
    ) as call:
        ok = invoke_deployed(project, moto, "lambda")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout == "Hello!\n" and ok.stderr == "session: srv-1\n"
    assert body_of(call.requests[0]) == {"prompt": "Hi", "stream": True}, "never a forged requestContext"

    failure = {
        "errorMessage": "413 payload_too_large: Prompt too long.",
        "errorType": "DirectInvocationError",
    }
    headers = {"X-Amz-Function-Error": "Unhandled"}
    with answering("before-send.lambda.Invoke", lambda request: (200, headers, json.dumps(failure).encode())):
        failed = invoke_deployed(project, moto, "lambda")
    assert failed.exit_code == ExitCode.FAILURE
    assert (
        "The lambda target failed: DirectInvocationError: 413 payload_too_large: Prompt too long."
        in failed.stderr
    )


# --- AgentCore ----------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served_agentcore_app(project) -> Iterator[str]:
    """The project's real AgentCore app (``scaffold serve --target agentcore``) on a loopback port."""
    port = _free_port()
    env = {**os.environ, "AGENT_RUNTIME": "agentcore", "AGENT_SESSION_DIR": str(project.root / ".sessions")}
    command = [sys.executable, "-m", "scaffold", "serve", "-t", "agentcore", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--project", str(project.root)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                    break
            assert process.poll() is None and time.monotonic() < deadline, "scaffold serve did not start"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def forward_to(app_url: str):
    """Send the captured payload to the real app with the headers AgentCore passes on; return its bytes."""

    def respond(request: Any) -> tuple[int, dict[str, str], bytes]:
        headers = {
            "Content-Type": "application/json",
            "Accept": _header(request, "Accept"),
            "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": _header(
                request, "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
            ),
        }
        answer = httpx.post(f"{app_url}/invocations", content=request.body, headers=headers, timeout=60)
        session = answer.headers.get(
            "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id",
            headers["X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"],
        )
        return (
            answer.status_code,
            {
                "Content-Type": answer.headers["content-type"],
                "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": session,
            },
            answer.content,
        )

    return respond


def test_agentcore_invoke_calls_the_live_endpoint_signed_and_streams_the_real_apps_reply(
    project, moto, artifact, served_agentcore_app
):
    state = deployed(project, moto, "agentcore")
    arn = state.resources["runtime"]["arn"]

    with answering(
        "before-send.bedrock-agentcore.InvokeAgentRuntime", forward_to(served_agentcore_app)
    ) as call:
        result = invoke_deployed(project, moto, "agentcore", "--session-id", "s-1", prompt=PROMPT)

    request = the_signed_call_answered_42(
        result,
        call,
        path=f"/runtimes/{quote(arn, safe='')}/invocations",
        query={"qualifier": ["live"]},
        service="bedrock-agentcore",
    )
    assert _header(request, "Content-Type") == "application/json"
    assert _header(request, "Accept") == "text/event-stream"
    assert _header(request, "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id") == routing_session_id("s-1")
    assert len(routing_session_id("s-1")) >= 33 and routing_session_id("s-1") == routing_session_id("s-1")
    assert body_of(request) == {"prompt": PROMPT, "stream": True, "session_id": "s-1"}


def test_agentcore_json_reply(project, moto, artifact, served_agentcore_app):
    deployed(project, moto, "agentcore")
    with answering(
        "before-send.bedrock-agentcore.InvokeAgentRuntime", forward_to(served_agentcore_app)
    ) as call:
        result = invoke_deployed(project, moto, "agentcore", "--no-stream", "--json", prompt=PROMPT)

    assert result.exit_code == 0, result.output
    reply = json.loads(result.stdout)
    assert "42" in reply["text"]
    session = _header(call.requests[0], "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id")
    assert reply["session_id"] == session and len(session) >= 33, "a fresh routing id becomes the session"
    assert _header(call.requests[0], "Accept") == "application/json"


def test_agentcore_with_a_token_goes_unsigned_with_the_bearer(make_project, moto, artifact):
    project = make_project(*JWT)
    deployed(project, moto, "agentcore")
    events = b'data: "Hi"\n\ndata: {"done": true, "text": "", "reply": {"text": "Hi", "session_id": "x"}}\n\n'
    respond = lambda request: (200, {"Content-Type": "text/event-stream"}, events)  # noqa: E731

    with answering("before-send.bedrock-agentcore.InvokeAgentRuntime", respond) as call:
        result = invoke_deployed(project, moto, "agentcore", "--token", "tok-123")

    assert result.exit_code == 0, result.output
    assert result.stdout == "Hi\n"
    request = call.requests[0]
    assert _header(request, "Authorization") == "Bearer tok-123"
    assert "X-Amz-Date" not in request.headers and "X-Amz-Security-Token" not in request.headers


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (
            b'data: "Hel"\n\ndata: {"error": "The agent failed (RuntimeError)."}\n\n',
            "The agent failed mid-stream: The agent failed (RuntimeError).",
        ),
        (b'data: "Hel"\n\ndata: "lo"\n\n', "The agentcore target ended the stream without a final reply."),
    ],
)  # fmt: skip
def test_agentcore_stream_failures_are_exit_1_after_the_text_so_far(project, moto, artifact, events, message):
    deployed(project, moto, "agentcore")
    respond = lambda request: (200, {"Content-Type": "text/event-stream"}, events)  # noqa: E731
    with answering("before-send.bedrock-agentcore.InvokeAgentRuntime", respond):
        result = invoke_deployed(project, moto, "agentcore")
    assert result.exit_code == ExitCode.FAILURE
    assert result.stdout.startswith("Hel")
    assert result.stderr.strip() == f"Error: {message}"


def test_agentcore_service_errors_name_the_runtime(project, moto, artifact):
    state = deployed(project, moto, "agentcore")
    error = {"message": "Runtime is not ready"}
    headers = {"x-amzn-ErrorType": "ConflictException", "Content-Type": "application/json"}
    with answering(
        "before-send.bedrock-agentcore.InvokeAgentRuntime",
        lambda request: (409, headers, json.dumps(error).encode()),
    ):
        result = invoke_deployed(project, moto, "agentcore")
    assert result.exit_code == ExitCode.FAILURE
    assert (
        f"Could not invoke the runtime {state.resources['runtime']['arn']}: ConflictException"
        in result.stderr
    )


# --- the command line -------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [[], ["--url", ":8080", "--target", "lambda"]])
def test_invoke_needs_exactly_one_of_url_and_target(args):
    result = run_cli(["invoke", "Hi", *args])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Give either --url URL (a running server) or --target TARGET (a deployed one)." in result.stderr


def test_invoke_of_a_target_never_deployed_is_exit_5(project, moto):
    result = invoke_deployed(project, moto, "agentcore")
    assert result.exit_code == 5
    assert "has no recorded agentcore deployment" in result.stderr
