"""``scaffold invoke --protocol``: each protocol's client against a real server, printed like HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from agent_scaffold_runtime import agentcore_adapter
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.protocols import a2a_server, agui, mcp_server
from click.testing import CliRunner

from scaffold.cli import cli
from scaffold.protocol_invoke import deployed_url, protocol_url
from tests.support.servers import serving

PROMPT = "use calculator expression=6*7"
ANSWER = "The calculator tool returned: 42"
AGENT = "tests.support.demo_core"


@pytest.fixture(scope="module")
def urls() -> Iterator[dict[str, str]]:
    with (
        serving(agentcore_adapter.create_app(AgentRef(AGENT))) as http,
        serving(mcp_server.create_app(AgentRef(AGENT))) as mcp,
        serving(a2a_server.create_app(AgentRef(AGENT))) as a2a,
        serving(agui.create_app(AgentRef(AGENT))) as agui_url,
    ):
        yield {"http": http, "ws": http, "mcp": mcp, "a2a": a2a, "agui": agui_url}


@pytest.mark.parametrize("protocol", ["http", "ws", "mcp", "a2a", "agui"])
def test_each_protocol_prints_the_answer(urls: dict[str, str], protocol: str) -> None:
    result = CliRunner().invoke(cli, ["invoke", PROMPT, "--url", urls[protocol], "--protocol", protocol])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ANSWER


@pytest.mark.parametrize("protocol", ["ws", "a2a"])
def test_json_output_and_no_stream(urls: dict[str, str], protocol: str) -> None:
    args = ["invoke", PROMPT, "--url", urls[protocol], "--protocol", protocol, "--no-stream", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["text"] == ANSWER


def test_an_unreachable_server_is_one_clear_line() -> None:
    result = CliRunner().invoke(cli, ["invoke", "hi", "--url", "127.0.0.1:9", "--protocol", "ws"])
    assert result.exit_code != 0
    assert result.output.startswith("Error: ") and "Traceback" not in result.output


def test_urls_per_protocol() -> None:
    assert protocol_url(":8080", "ws") == "ws://127.0.0.1:8080/ws"
    assert protocol_url("localhost:8000", "mcp") == "http://localhost:8000/mcp"
    assert protocol_url("http://h:9000", "a2a") == "http://h:9000/"
    assert protocol_url("https://h/custom/path", "mcp") == "https://h/custom/path"
    arn = "arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/demo-AbC"
    assert deployed_url(arn, "mcp") == (
        "https://bedrock-agentcore.eu-west-1.amazonaws.com/runtimes/"
        "arn%3Aaws%3Abedrock-agentcore%3Aeu-west-1%3A123456789012%3Aruntime%2Fdemo-AbC/invocations?qualifier=live"
    )
    assert deployed_url(arn, "ws").startswith("wss://bedrock-agentcore.eu-west-1.amazonaws.com/runtimes/")
    assert deployed_url(arn, "ws").endswith("/ws?qualifier=live")


def test_a_deployed_runtime_over_mcp_needs_a_token() -> None:
    result = CliRunner().invoke(cli, ["invoke", "hi", "--target", "agentcore", "--protocol", "mcp"])
    assert result.exit_code == 2, result.output
    assert "needs --token" in result.output and result.output.startswith("Error: ")
