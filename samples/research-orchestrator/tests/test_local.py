"""The command-line entrypoint, called in-process with an argument list (offline model)."""

import json

import pytest

from research_orchestrator.entrypoints.local import main


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "--session-id", "cli-session-1", "research_specialist: Lisbon"]) == 0

    reply = json.loads(capsys.readouterr().out)
    assert reply["text"] == "The research_specialist tool returned: You said: Lisbon"
    assert reply["session_id"] == "cli-session-1"
