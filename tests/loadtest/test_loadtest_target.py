"""``scaffold loadtest --target``: the endpoint comes from the deploy state, and IAM targets are signed with
SigV4 per request. The "deployed" Function URL is a loopback server that recomputes each request's SigV4
signature with botocore from the same credentials and refuses a mismatch, so a wrong signature (or a body
sent differently from the one signed) shows up as errors in the report."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from click.testing import CliRunner, Result
from starlette.requests import Request

from scaffold.cli import cli
from scaffold.deploy.state import SCHEMA_VERSION, state_path
from tests.support.servers import serving

ACCESS_KEY, SECRET_KEY = "AKIDLOADTEST", "loadtest-secret"
_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<scope>\S+), SignedHeaders=(?P<signed>\S+), Signature=(?P<sig>\w+)$"
)


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


class SigV4CheckingEndpoint:
    """An ASGI app answering the wire contract (the offline calculator answer) only for correctly signed
    requests; records what it saw."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.verified = 0
        self.rejected: list[str] = []
        self.sessions: set[str] = set()

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] != "http":
            return
        body = await Request(scope, receive).body()
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        problem = self.check(scope, headers, body)
        if problem:
            self.rejected.append(problem)
            await self.reply(send, 403, {"error": problem})
            return
        self.verified += 1
        request = json.loads(body)
        self.sessions.add(request["session_id"])
        a, b = re.search(r"expression=(\d+)\*(\d+)", request["prompt"]).groups()  # type: ignore[union-attr]
        text = f"The calculator tool returned: {int(a) * int(b)}"
        await self.reply(
            send, 200, {"text": text, "stop_reason": "end_turn", "session_id": request["session_id"]}
        )

    def check(self, scope: dict[str, Any], headers: dict[str, str], body: bytes) -> str | None:
        found = _AUTHORIZATION.match(headers.get("authorization", ""))
        if not found:
            return "not SigV4"
        scope_parts = found["scope"].split("/")
        if scope_parts[0] != ACCESS_KEY or scope_parts[2:] != [self.region, "lambda", "aws4_request"]:
            return f"wrong credential scope {found['scope']}"
        signed = found["signed"].split(";")
        url = f"http://{headers['host']}{scope['path']}"
        request = AWSRequest(
            method="POST", url=url, data=body, headers={name: headers[name] for name in signed}
        )
        request.context["timestamp"] = headers["x-amz-date"]
        auth = SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "lambda", self.region)
        expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
        return None if expected == found["sig"] else "signature mismatch"

    @staticmethod
    async def reply(send: Callable[..., Any], status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": data})


@pytest.fixture
def iam_project(tmp_path: Path) -> Path:
    result = run_cli(
        "new",
        "iam-agent",
        "--defaults",
        "--output",
        str(tmp_path),
        "--data",
        "auth=iam",
        "--target",
        "lambda",
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "iam-agent"


def record_function_url(project: Path, url: str, region: str) -> None:
    path = state_path(project, "lambda")
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "schema_version": SCHEMA_VERSION,
        "project": "iam-agent",
        "target": "lambda",
        "region": region,
        "account_id": "123456789012",
        "resources": {
            "function_url": {"function": "iam-agent", "qualifier": "live", "url": url, "auth_type": "AWS_IAM"}
        },
    }
    path.write_text(json.dumps(state), encoding="utf-8")


def test_an_iam_target_is_load_tested_with_signed_requests(
    iam_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    endpoint = SigV4CheckingEndpoint("eu-west-1")

    with serving(endpoint) as url:
        record_function_url(iam_project, f"{url}/", "eu-west-1")
        result = run_cli(
            "loadtest", "--project", str(iam_project), "--target", "lambda", "--users", "3",
            "--duration", "3s", "--out", str(tmp_path / "report"), "--json",
        )  # fmt: skip

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert endpoint.rejected == []
    assert report["failures"] == 0
    assert report["requests"] == endpoint.verified > 0
    assert len(endpoint.sessions) == report["turns"]["sessions"] == 3
    assert report["turns"]["lost"] is None  # no session store to read for a deployed target


def test_a_target_that_was_never_deployed_is_exit_5(iam_project: Path) -> None:
    result = run_cli("loadtest", "--project", str(iam_project), "--target", "lambda", "--duration", "1s")

    assert result.exit_code == 5
    assert (
        result.stderr.strip()
        == "Error: lambda is not deployed (no state recorded); run: scaffold deploy --target lambda"
    )


@pytest.mark.parametrize(
    ("secret", "sent_body", "expected"),
    [
        (SECRET_KEY, b'{"a": 1}', None),
        ("other", b'{"a": 1}', "signature mismatch"),
        (SECRET_KEY, b'{"a": 2}', "signature mismatch"),
    ],
)
def test_the_checking_endpoint_refuses_what_was_not_signed_so(
    secret: str, sent_body: bytes, expected: str | None
) -> None:
    request = AWSRequest(
        method="POST",
        url="http://127.0.0.1:9/invocations",
        data=b'{"a": 1}',
        headers={"Content-Type": "application/json"},
    )
    SigV4Auth(Credentials(ACCESS_KEY, secret), "lambda", "eu-west-1").add_auth(request)
    headers = {k.lower(): v for k, v in request.headers.items()} | {"host": "127.0.0.1:9"}

    assert SigV4CheckingEndpoint("eu-west-1").check({"path": "/invocations"}, headers, sent_body) == expected
