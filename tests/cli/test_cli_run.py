"""``scaffold run`` as a real process inside a generated project (template + runtime library + CLI)."""

from __future__ import annotations

import json


def test_one_shot_prompt_prints_the_offline_reply(cli_subprocess, project):
    result = cli_subprocess(["run", "hello"], cwd=project)

    assert result.returncode == 0, result.stderr
    assert "You said: hello" in result.stdout


def test_works_from_a_nested_directory(cli_subprocess, project):
    result = cli_subprocess(["run", "from deep inside"], cwd=project / "demo_agent" / "entrypoints")

    assert result.returncode == 0, result.stderr
    assert "You said: from deep inside" in result.stdout


def test_project_option_points_elsewhere(cli_subprocess, project, tmp_path):
    result = cli_subprocess(["run", "over there", "--project", str(project)], cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "You said: over there" in result.stdout


def test_json_reply_parses_and_keeps_the_session_id(cli_subprocess, project):
    result = cli_subprocess(["run", "hello", "--json", "--session-id", "cli-session-1"], cwd=project)

    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["text"] == "You said: hello"
    assert reply["session_id"] == "cli-session-1"


def test_a_prompt_that_looks_like_an_option_is_still_a_prompt(cli_subprocess, project):
    result = cli_subprocess(["run", "--", "-1 plus 2"], cwd=project)

    assert result.returncode == 0, result.stderr
    assert "You said: -1 plus 2" in result.stdout


def test_without_a_prompt_it_reads_prompts_from_stdin(cli_subprocess, project):
    result = cli_subprocess(["run"], cwd=project, input="first\nsecond\n")

    assert result.returncode == 0, result.stderr
    assert "You said: first" in result.stdout
    assert "You said: second" in result.stdout


def test_the_agents_exit_code_is_returned(cli_subprocess, project):
    result = cli_subprocess(["run", "x" * 40_000], cwd=project)  # over the prompt limit: the adapter exits 2

    assert result.returncode == 2
    assert "limit" in result.stderr
