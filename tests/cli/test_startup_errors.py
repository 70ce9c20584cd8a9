"""A project that cannot start is one ``Error:`` line and the right exit code, never a uvicorn traceback.

Real ``scaffold`` processes over a generated project (issue 11): a bad ``AGENT_*`` value or a missing
setting is exit 2 and names the variable; a broken ``settings.py`` is exit 1 and names the file and line;
``--debug`` adds the traceback. ``scaffold serve`` (with and without ``--reload``), ``scaffold dev`` (which
reloads by default) and ``scaffold run`` behave the same way.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from scaffold.errors import ExitCode

SYNTAX_ERROR = "DEFAULT_SYSTEM_PROMPT = (\n"  # appended to settings.py: "'(' was never closed"


@pytest.fixture
def broken_project(project, tmp_path):
    """A copy of the session's project whose ``settings.py`` does not parse; returns (root, error line)."""
    root = tmp_path / "demo-agent"
    shutil.copytree(project, root)
    settings = root / "demo_agent" / "settings.py"
    text = settings.read_text()
    settings.write_text(text + SYNTAX_ERROR)
    return root, len((text + SYNTAX_ERROR).splitlines())


def run_scaffold_with(scaffold_executable, args, cwd, unused_port, monkeypatch, **env):
    """``scaffold ARGS --port PORT`` with ``env`` on top of a clean environment (no AGENT_*, no AWS_*)."""
    for name in list(os.environ):
        if name.startswith(("AGENT_", "AWS_")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    command = [*scaffold_executable, *args, "--port", str(unused_port)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["serve", "--target", "fastapi"],
            {"AGENT_MEMORY": "bogus"},
            "Error: Unknown memory backend 'bogus' (set AGENT_MEMORY); choose one of: none, file, s3, "
            "agentcore.",
        ),
        (
            ["serve", "--target", "agentcore", "--reload"],
            {"AGENT_MEMORY": "s3"},
            "Error: AGENT_MEMORY=s3 needs AGENT_SESSION_BUCKET; it is empty or unset.",
        ),
        (
            ["dev", "--target", "fastapi"],
            {"AGENT_MAX_CYCLES": "many"},
            "Error: AGENT_MAX_CYCLES must be a number, not 'many'.",
        ),
    ],
    ids=["serve-bad-value", "serve-reload-missing-setting", "dev-bad-value"],
)
def test_a_bad_setting_is_one_line_naming_the_variable(
    scaffold_executable, project, unused_port, monkeypatch, args, env, message
):
    result = run_scaffold_with(scaffold_executable, args, project, unused_port, monkeypatch, **env)

    assert result.returncode == ExitCode.BAD_INPUT, result.stderr
    assert result.stderr.splitlines()[-1] == message
    assert "Traceback" not in result.stderr
    assert error_lines(result.stderr) == [message]


@pytest.mark.parametrize("command", [["serve", "--target", "fastapi"], ["dev", "--target", "agentcore"]])
def test_a_broken_settings_file_is_one_line_naming_file_and_line(
    scaffold_executable, broken_project, unused_port, monkeypatch, command
):
    root, line = broken_project

    result = run_scaffold_with(scaffold_executable, command, root, unused_port, monkeypatch)

    assert result.returncode == ExitCode.FAILURE
    assert "Traceback" not in result.stderr
    assert error_lines(result.stderr) == [
        "Error: the project failed to start: SyntaxError: '(' was never closed "
        f"(demo_agent/settings.py:{line}). Rerun with --debug for the traceback."
    ]


def test_debug_shows_the_traceback_before_the_line(
    scaffold_executable, broken_project, unused_port, monkeypatch
):
    root, line = broken_project

    result = run_scaffold_with(
        scaffold_executable, ["serve", "--target", "agentcore", "--debug"], root, unused_port, monkeypatch
    )

    assert result.returncode == ExitCode.FAILURE
    assert "Traceback (most recent call last)" in result.stderr
    assert f'demo_agent/settings.py", line {line}' in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "Error: the project failed to start: SyntaxError: '(' was never closed "
        f"(demo_agent/settings.py:{line})."
    )


def test_run_with_a_broken_settings_file_is_one_line(scaffold_executable, broken_project, monkeypatch):
    root, line = broken_project
    monkeypatch.setenv("AGENT_MODEL_PROVIDER", "offline")

    result = subprocess.run(
        [*scaffold_executable, "run", "hello"], cwd=root, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == ExitCode.FAILURE
    assert result.stdout == ""
    assert result.stderr == (
        "Error: the project failed to start: SyntaxError: '(' was never closed "
        f"(demo_agent/settings.py:{line}). Rerun with --debug for the traceback.\n"
    )
