"""The command-line entrypoint, called in-process with an argument list (offline model)."""

import io
import json

import pytest

from travel_assistant.entrypoints.local import main


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "--session-id", "cli-session-1", "get_policies"]) == 0

    reply = json.loads(capsys.readouterr().out)
    assert reply["text"].startswith("The get_policies tool returned: Acme Corporation travel policy")
    assert reply["session_id"] == "cli-session-1"


def test_interactive_loop_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Hello\nlist_bookings\nexit\n"))

    assert main([]) == 0

    assert capsys.readouterr().out.splitlines() == [
        "You said: Hello",
        "The list_bookings tool returned: local-user has no bookings.",
    ]
