"""Failures on the page: a tool that raises, and a turn cut short by the request timeout."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import DevServer, generate, running_dev

# Added to the generated tools.py as a user would: one tool that raises, one that never answers in time.
FAILING_TOOLS = '''

@tool
def explode(reason: str = "kaboom") -> str:
    """Always fails.

    Args:
        reason: Why it fails.
    """
    raise RuntimeError(reason)


@tool
async def stall() -> str:
    """Answers long after the request timeout."""
    import asyncio

    await asyncio.sleep(120)
    return "late"


TOOLS.extend([explode, stall])
'''


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    project = generate(tmp_path_factory.mktemp("dev-fail"), "--target", "agentcore", name="fail-agent")
    tools = project / "fail_agent" / "tools.py"
    tools.write_text(tools.read_text() + FAILING_TOOLS)
    with running_dev(project, "--no-reload", AGENT_REQUEST_TIMEOUT_SECONDS="3") as running:
        # The first turn loads the agent core; only then is a 3 s timeout about the tool alone.
        warm_up = httpx.post(f"{running.url}/invocations", json={"prompt": "hello"}, timeout=120)
        assert warm_up.status_code == 200, warm_up.text
        yield running


def test_a_tool_error_shows_in_the_turn_and_in_its_span(server, open_playground):
    playground = open_playground(server.url)

    turn = playground.ask("Please call explode reason=kaboom", turn=1)
    tool = turn.locator(".tool[data-tool=explode]")
    tool.wait_for()

    assert tool.get_attribute("class") == "tool failed"
    assert tool.locator(".error").inner_text() == "error: kaboom"
    assert turn.locator(".failing-span").get_attribute("data-span-name") == "execute_tool explode"
    assert turn.locator(".span-row.failed").get_attribute("data-span-name") == "execute_tool explode"
    assert playground.errors == []


def test_a_failed_turn_shows_the_error_and_the_span_it_stopped_in(server, open_playground):
    playground = open_playground(server.url)

    turn = playground.ask("Please call stall", turn=1)
    turn.locator(".failing-span").wait_for()

    assert turn.get_attribute("data-state") == "failed"
    assert turn.locator(".error").first.inner_text() == (
        "Error: 504 timeout The request did not finish within 3 seconds."
    )
    assert turn.locator(".failing-span").get_attribute("data-span-name") == "execute_tool stall"
    assert turn.locator("[data-metric=stop]").inner_text() == "stop: error"
    # The browser reports the 504 itself; nothing else may reach the console.
    assert [error for error in playground.errors if "504" not in error] == []
