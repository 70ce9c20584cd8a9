"""The local adapter as a user runs it: a subprocess, one-shot and interactive."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent
ENTRY = (
    "from agent_scaffold_runtime.local_adapter import main; "
    "from agent_scaffold_runtime.loader import AgentRef; "
    "raise SystemExit(main(AgentRef('tests.support.demo_core')))"
)


def run_local(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_one_shot_prints_the_streamed_answer() -> None:
    result = run_local("use calculator expression=6*7")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "The calculator tool returned: 42\n"


def test_json_output_is_the_full_reply() -> None:
    result = run_local("hello", "--json", "--session-id", "local-1", "--user-id", "ada")
    reply = json.loads(result.stdout)
    assert reply["text"] == "You said: hello" and reply["session_id"] == "local-1"


def test_interactive_loop_answers_each_line_until_exit() -> None:
    result = run_local(stdin="first\n\nsecond\nexit\nnever asked\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["You said: first", "You said: second"]


def test_blank_prompt_is_refused_with_exit_code_2() -> None:
    result = run_local("   ")
    assert result.returncode == 2
    assert "must not be blank" in result.stderr


def test_agent_failure_exits_1_with_a_message() -> None:
    result = run_local("fail-before")
    assert result.returncode == 1
    assert "the agent failed" in result.stderr


def test_an_answer_that_never_streamed_is_printed() -> None:
    result = run_local("whoami")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("user=local-user")
