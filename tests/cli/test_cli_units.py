"""Pure helpers behind the commands: names, --data parsing, URLs, SSE decoding, the project interpreter."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from scaffold.data_args import build_answers, parse_value
from scaffold.errors import BadInput
from scaffold.invoke_client import invocation_url
from scaffold.names import name_problem, suggest_name
from scaffold.project import ANSWERS_FILE
from scaffold.project_process import APP_LAUNCHER, project_env, project_python
from scaffold.sse import iter_events
from scaffold.targets import try_commands


@pytest.mark.parametrize("name", ["ab", "my-agent", "agent2", "a1-b2-c3", "x" * 40])
def test_valid_names(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name", ["a", "-ab", "ab-", "a--b", "Ab", "a_b", "1ab", "a b", "x" * 41, ""])
def test_invalid_names(name):
    assert name_problem(name) is not None


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("My_Agent", "my-agent"), ("--web--bot--", "web-bot"), ("123", None), ("ok", None)],
)
def test_name_suggestions(name, suggestion):
    assert suggest_name(name) == suggestion


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("[local, lambda]", ["local", "lambda"]),
        ("{a: 1}", {"a": 1}),
        ("no", "no"),
        ("8080", "8080"),
        ("", ""),
    ],
)
def test_data_values(raw, value):
    assert parse_value(raw) == value


def test_targets_option_sets_targets_without_duplicates():
    answers = build_answers("my-agent", ["model_provider=bedrock"], ["local", "fastapi", "local"])

    assert answers == {
        "project_name": "my-agent",
        "model_provider": "bedrock",
        "targets": ["local", "fastapi"],
    }


def test_data_value_may_contain_equals_signs():
    assert build_answers("my-agent", ["system_prompt=a=b"], [])["system_prompt"] == "a=b"


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/invocations"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/invocations"),
        ("localhost:8000", "http://localhost:8000/invocations"),
        (":8080", "http://127.0.0.1:8080/invocations"),
        ("https://example.com/prod/invocations?x=1", "https://example.com/prod/invocations?x=1"),
    ],
)
def test_invocation_urls(raw, url):
    assert invocation_url(raw) == url


def test_invalid_url():
    with pytest.raises(BadInput):
        invocation_url("ftp://example.com")


def test_sse_events_are_decoded_per_blank_line():
    lines = [
        ": a comment",
        'data: "Hel"',
        "",
        "event: message",
        'data:"lo"\r',
        "",
        "data: {",
        'data: "done": true}',
        "",
        "id: 7",
        "data: plain text, not JSON",
    ]

    assert list(iter_events(lines)) == ["Hel", "lo", {"done": True}, "plain text, not JSON"]


def test_try_commands_put_run_first_and_skip_lambda():
    assert try_commands(("lambda", "fastapi", "local")) == [
        'scaffold run "Hello"',
        "scaffold serve --target fastapi",
    ]


def write_answers(root: Path, text: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / ANSWERS_FILE).write_text(text)


def test_project_code_uses_scaffolds_interpreter_without_a_venv(tmp_path):
    assert project_python(tmp_path) == sys.executable


def test_project_env_puts_the_root_first_on_pythonpath(tmp_path):
    env = project_env(tmp_path, {"PYTHONPATH": "/elsewhere", "HOME": "/home/x"})

    assert env["PYTHONPATH"] == f"{tmp_path}{os.pathsep}/elsewhere"
    assert env["HOME"] == "/home/x"
    assert project_env(tmp_path, {})["PYTHONPATH"] == str(tmp_path)


def test_run_uses_the_projects_venv_python_at_its_root(cli_subprocess, tmp_path):
    """A stand-in ``.venv/bin/python`` reports how it was called: argv, cwd and PYTHONPATH."""
    root = tmp_path / "venv-agent"
    write_answers(root, "project_name: venv-agent\ntargets: [local]\n")
    fake_python = root / ".venv" / "bin" / "python"
    fake_python.parent.mkdir(parents=True)
    fake_python.write_text(
        '#!/bin/sh\necho "argv: $*"\necho "cwd: $(pwd)"\necho "path: $PYTHONPATH"\nexit 3\n'
    )
    fake_python.chmod(fake_python.stat().st_mode | stat.S_IEXEC)
    (root / "sub").mkdir()

    result = cli_subprocess(["run", "hi there", "--session-id", "s1", "--user-id", "u1"], cwd=root / "sub")

    assert result.returncode == 3  # the child's exit code is scaffold's
    lines = result.stdout.splitlines()
    launcher = APP_LAUNCHER  # loads the module as `python -m` would; a failure to load is one line
    assert (
        lines[0]
        == f"argv: {launcher} run venv_agent.entrypoints.local --session-id s1 --user-id u1 -- hi there"
    )
    assert lines[1] == f"cwd: {root.resolve()}"
    assert lines[2].startswith(f"path: {root.resolve()}")
    assert project_python(root) == str(fake_python)
