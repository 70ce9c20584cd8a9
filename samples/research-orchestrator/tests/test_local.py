"""The command-line entrypoint, called in-process with an argument list (offline model)."""

import io
import json

import pytest

from research_orchestrator.entrypoints.local import main


def test_prompt_is_answered_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["Hello"]) == 0

    assert capsys.readouterr().out == "You said: Hello\n"


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "--session-id", "cli-session-1", "research_specialist: Lisbon"]) == 0

    reply = json.loads(capsys.readouterr().out)
    assert reply["text"] == "The research_specialist tool returned: You said: Lisbon"
    assert reply["session_id"] == "cli-session-1"


def test_interactive_loop_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Hello\nmath_specialist: 2+2\nexit\n"))

    assert main([]) == 0

    assert capsys.readouterr().out.splitlines() == [
        "You said: Hello",
        "The math_specialist tool returned: You said: 2+2",
    ]
