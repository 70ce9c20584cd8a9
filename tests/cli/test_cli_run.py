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


def scrub_aws(monkeypatch, tmp_path):
    """No credentials anywhere: no AWS_* variables, empty shared files, no instance metadata."""
    import os

    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"):
        empty = tmp_path / name.lower()
        empty.write_text("")
        monkeypatch.setenv(name, str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


NO_CREDENTIALS = (
    "error: No AWS credentials found for the model provider. Provide them with AWS_PROFILE (after `aws "
    "configure` or `aws sso login`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run offline with "
    "AGENT_MODEL_PROVIDER=offline."
)


def test_bedrock_without_credentials_is_one_line_with_the_details_in_the_log(
    cli_subprocess, project, monkeypatch, tmp_path
):
    scrub_aws(monkeypatch, tmp_path)
    monkeypatch.setenv("AGENT_MODEL_PROVIDER", "bedrock")
    log = tmp_path / "agent.log"
    monkeypatch.setenv("AGENT_LOG_FILE", str(log))

    result = cli_subprocess(["run", "hello"], cwd=project)

    assert result.returncode == 1
    assert result.stderr == f"{NO_CREDENTIALS} Details: {log} (or rerun with --debug).\n"
    assert "NoCredentialsError" in log.read_text()  # the traceback is kept, in the log


def test_debug_shows_the_log_and_traceback_on_stderr(cli_subprocess, project, monkeypatch, tmp_path):
    scrub_aws(monkeypatch, tmp_path)
    monkeypatch.setenv("AGENT_MODEL_PROVIDER", "bedrock")
    log = tmp_path / "agent.log"
    monkeypatch.setenv("AGENT_LOG_FILE", str(log))

    result = cli_subprocess(["run", "hello", "--debug"], cwd=project)

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == NO_CREDENTIALS
    assert any('"error_type":"NoCredentialsError"' in line for line in lines[:-1])
    assert not log.exists()


def test_a_missing_setting_is_one_line_naming_the_variable(cli_subprocess, project, monkeypatch, tmp_path):
    monkeypatch.setenv("AGENT_MEMORY", "s3")
    monkeypatch.delenv("AGENT_SESSION_BUCKET", raising=False)
    monkeypatch.setenv("AGENT_LOG_FILE", str(tmp_path / "agent.log"))

    result = cli_subprocess(["run", "hello"], cwd=project)

    assert result.returncode == 2
    assert result.stderr == "error: AGENT_MEMORY=s3 needs AGENT_SESSION_BUCKET; it is empty or unset.\n"
    assert result.stdout == ""
