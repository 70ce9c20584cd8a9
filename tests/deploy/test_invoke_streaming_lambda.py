"""``scaffold invoke --target lambda`` on a streaming function: its URL over HTTP, chunks as they come.

The function is deployed to moto, which records the function URL but cannot run the function. So the
recorded URL is pointed at the project's own streaming app, served locally the way the Web Adapter serves
it (uvicorn, the offline model paced at 100 ms a chunk): the client under test is the deployer's, talking
real HTTP to the real app. moto has no function URL endpoint to send it to; that is the only stand-in.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
from botocore.credentials import Credentials

from scaffold.deploy.engine import AwsOptions, invoke_deployed
from scaffold.deploy.sigv4 import SigV4
from scaffold.deploy.state import state_path
from scaffold.deploy.targets.base import DeployedInvoke
from scaffold.invoke_client import InvokeRequest

from ..support.processes import running_server
from .conftest import REGION, run_cli

PROMPT = "Tell me something in a few words"


def assistant_turns(sessions: Path) -> list[str]:
    return [
        "".join(block.get("text", "") for block in message["content"])
        for path in sessions.rglob("message_*.json")
        if (message := json.loads(path.read_text())["message"])["role"] == "assistant"
    ]


def test_chunks_of_a_streaming_function_reach_the_caller_as_they_are_written(
    make_project, moto, artifact, tmp_path
):
    project = make_project("lambda_streaming=true", "lambda_snapstart=false", "auth=none")
    deployed = run_cli(["deploy", "-t", "lambda", "--project", str(project.root), *moto.cli_args])
    assert deployed.exit_code == 0, deployed.output
    sessions = tmp_path / "sessions"
    app = f"{project.package_name}.entrypoints.lambda_stream_app:app"
    env = {"AGENT_OFFLINE_CHUNK_DELAY_MS": "100", "AGENT_SESSION_DIR": str(sessions), "AGENT_MEMORY": "file"}
    with running_server(project.root, app, **env) as url:
        path = state_path(project.root, "lambda")
        state = json.loads(path.read_text())
        assert state["resources"]["function_url"]["invoke_mode"] == "RESPONSE_STREAM"
        state["resources"]["function_url"]["url"] = url  # moto's URL has no server behind it
        path.write_text(json.dumps(state))

        chunks: list[str] = []
        stored_at_first_chunk: list[list[str]] = []

        def on_text(text: str) -> None:
            if not chunks:
                stored_at_first_chunk.append(assistant_turns(sessions))
            chunks.append(text)

        call = DeployedInvoke(InvokeRequest(url="", prompt=PROMPT))
        options = AwsOptions(region=REGION, endpoint_url=moto.url)
        result = invoke_deployed(project, "lambda", options, call, on_text)

    assert "".join(chunks) == f"You said: {PROMPT}"
    assert len(chunks) == len(f"You said: {PROMPT}".split())
    assert stored_at_first_chunk == [[]]  # the first chunk arrived while the turn was still running
    assert result.reply["text"] == f"You said: {PROMPT}"


def test_requests_to_an_iam_function_url_are_signed_for_lambda() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"text": "ok"})

    auth = SigV4(Credentials("AKIDEXAMPLE", "secret", "session-token"), "eu-west-1")
    with httpx.Client(transport=httpx.MockTransport(answer), auth=auth) as client:
        client.post("https://abc.lambda-url.eu-west-1.on.aws/invocations", content=b'{"prompt":"hi"}')

    headers = seen[0].headers
    pattern = (
        r"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/eu-west-1/lambda/aws4_request, "
        r"SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}"
    )
    match = re.fullmatch(pattern, headers["authorization"])
    assert match, headers["authorization"]
    assert set(match.group(1).split(";")) >= {"host", "x-amz-date", "x-amz-security-token"}
    assert headers["x-amz-security-token"] == "session-token"
