"""Hot reload after editing ``tools.py``, and the same page against a server elsewhere (``--url``)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from .conftest import CALCULATOR_PROMPT, DevServer, generate, running_dev

RELOAD_TIMEOUT_S = 60


def wait_for_new_boot(server: DevServer, old_boot_id: str) -> str:
    """Poll ``/_dev/info`` until a restarted worker answers with another boot id."""
    deadline = time.monotonic() + RELOAD_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            boot_id = server.info()["boot_id"]
        except (httpx.TransportError, ValueError):
            boot_id = old_boot_id
        if boot_id != old_boot_id:
            return str(boot_id)
        time.sleep(0.1)
    raise AssertionError(f"the dev server did not restart within {RELOAD_TIMEOUT_S} s: {server.output}")


def test_editing_tools_reloads_the_server_and_the_next_answer_uses_the_change(tmp_path, open_playground):
    project = generate(tmp_path, "--target", "agentcore", name="reload-agent")
    tools = project / "reload_agent" / "tools.py"
    with running_dev(project) as server:
        playground = open_playground(server.url)
        before = playground.ask(CALCULATOR_PROMPT, turn=1)
        assert before.locator(".reply").inner_text() == "The calculator tool returned: 42"
        boot_id = server.info()["boot_id"]

        source = tools.read_text()
        edited = source.replace(
            "    return evaluate_arithmetic(expression)\n",
            '    return "exactly " + evaluate_arithmetic(expression)\n',
        )
        assert edited != source, "the generated calculator changed: update the edit"
        tools.write_text(edited)
        wait_for_new_boot(server, boot_id)
        after = playground.ask(CALCULATOR_PROMPT, turn=2)

        assert after.locator(".reply").inner_text() == "The calculator tool returned: exactly 42"
        after.locator(".tool[data-tool=calculator] .tool-output").wait_for()
        assert after.locator(".tool-output").inner_text() == "output: exactly 42"
        assert playground.errors == []


def test_the_page_talks_to_a_server_elsewhere_and_says_there_are_no_traces(tmp_path: Path, open_playground):
    project = generate(tmp_path, "--target", "agentcore", name="remote-agent")
    with running_dev(project, "--no-reload") as agent, running_dev(tmp_path, "--url", agent.url) as remote:
        playground = open_playground(remote.url)
        turn = playground.ask(CALCULATOR_PROMPT, turn=1)
        turn.locator(".steps .metrics").wait_for()

        assert turn.locator(".reply").inner_text() == "The calculator tool returned: 42"
        assert turn.locator("[data-metric=cycles]").inner_text() == "cycles: 2"
        assert "not available for a remote agent" in turn.locator(".steps").inner_text()
        assert remote.info()["remote"] == agent.url
        assert playground.errors == []
