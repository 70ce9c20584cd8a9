"""The MCP server sample as Lambda runs it: the zip ``scaffold package --target lambda`` builds, unzipped and
imported by an isolated interpreter (``python -I``: no site-packages, only the zip's contents and the
standard library, as in the Lambda runtime), answering Function URL events with JWT auth.

Packaging installs the sample's dependencies from the package index for this machine's platform and Python
(``--arch``, ``--python-version``) so the zip's compiled wheels load here; hence ``slow``.
"""

from __future__ import annotations

import json
import platform
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from agent_scaffold_runtime.testing_oidc import local_issuer

from tests.support.processes import run_ok

from .support import copy_sample, sample_env

RUNNER = """
import json, sys
sys.path.insert(0, sys.argv[1])
from mcp_server.entrypoints.lambda_handler import handler
for line in sys.stdin:
    print(json.dumps(handler(json.loads(line), None)), flush=True)
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & {"strands", "boto3", "fastapi"})))
"""
HOST = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws"


def event(body: Any = None, *, method: str = "POST", path: str = "/mcp", token: str | None = None) -> str:
    headers = {
        "host": HOST,
        "content-type": "application/json",
        "accept": "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
        **({"authorization": f"Bearer {token}"} if token else {}),
    }
    return json.dumps(
        {
            "version": "2.0",
            "rawPath": path,
            "rawQueryString": "",
            "headers": headers,
            "requestContext": {"http": {"method": method, "path": path, "sourceIp": "203.0.113.10"}},
            "body": "" if body is None else json.dumps(body),
            "isBase64Encoded": False,
        }
    )


def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    params = {"name": name, "arguments": arguments}
    return {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params}


@pytest.mark.slow
def test_the_packaged_zip_serves_mcp_with_jwt_auth(tmp_path: Path) -> None:
    project = copy_sample("mcp-server", tmp_path)
    arch = "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    packaged = run_ok(
        ["scaffold", "package", "-t", "lambda", "--arch", arch, "--python-version", version, "--json"],
        cwd=project,
        env=sample_env(),
        timeout=900,
    )
    artifact = json.loads(packaged.stdout)
    assert artifact["entrypoint"] == "mcp_server.entrypoints.lambda_handler.handler"
    unzipped = tmp_path / "function"
    with zipfile.ZipFile(artifact["path"]) as archive:
        archive.extractall(unzipped)
    assert not (unzipped / "tests").exists()
    # the travel desk, a dependency built from the directory beside the sample, and nothing of the agent
    assert (unzipped / "travel_desk" / "data" / "policy.json").is_file()
    assert not (unzipped / "travel_assistant").exists()

    with local_issuer() as issuer:
        alice = issuer.token(sub="alice", client_id="travel-tools-mcp", scope="openid", expires_in=600)
        events = [
            event(method="GET", path="/ping"),
            event(call("get_policies", {})),
            event(call("book_travel", {"option_id": "FL-101", "date": "2026-06-08"}), token=alice),
            event(call("list_bookings", {}), token=alice),
        ]
        ran = run_ok(
            [sys.executable, "-I", "-c", RUNNER, str(unzipped)],
            input="\n".join(events) + "\n",
            cwd=tmp_path,
            env=sample_env(
                AGENT_JWT_DISCOVERY_URL=issuer.discovery_url,
                AGENT_JWT_ALLOWED_CLIENTS="travel-tools-mcp",
                MCP_RESOURCE_URL=f"https://{HOST}/mcp",
                TRAVEL_TODAY="2026-06-03",
                TRAVEL_BOOKINGS_DIR=str(tmp_path / "bookings"),
                AWS_LAMBDA_FUNCTION_NAME="mcp-server",
            ),
            timeout=120,
        )
    *responses, loaded = [json.loads(line) for line in ran.stdout.splitlines()]
    ping, anonymous, booked, listed = responses

    assert (ping["statusCode"], json.loads(ping["body"])) == (200, {"status": "Healthy"})
    assert anonymous["statusCode"] == 401  # the project's answer: auth=jwt
    assert "resource_metadata=" in anonymous["headers"]["www-authenticate"]
    texts = [json.loads(r["body"])["result"]["content"][0]["text"] for r in (booked, listed)]
    assert texts[0].startswith("Booked flight FL-101")
    assert " for alice: confirmation ACME-" in texts[0]
    assert texts[1].startswith("Bookings of alice (1):")
    assert loaded == []  # neither Strands, boto3 nor FastAPI is in the function
