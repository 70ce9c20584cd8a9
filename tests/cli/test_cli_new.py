"""``scaffold new``: generated layout, JSON output, name rules, occupied destinations, atomic failure."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
import yaml

from scaffold import rendering
from scaffold.errors import ExitCode


def entries(directory: Path) -> list[str]:
    """Hidden entries included: a leftover staging directory would start with a dot."""
    return sorted(entry.name for entry in directory.iterdir())


def read_answers(root: Path) -> dict:
    return yaml.safe_load((root / ".copier-answers.yml").read_text())


def test_defaults_create_the_project_with_its_answers_file(cli_in_process, tmp_path):
    result = cli_in_process(["new", "weather-agent", "--defaults", "--output", str(tmp_path)])

    assert result.exit_code == 0, result.output
    root = tmp_path / "weather-agent"
    answers = read_answers(root)
    assert answers["project_name"] == "weather-agent"
    assert answers["model_provider"] == "offline"
    assert (root / "weather_agent" / "agent.py").is_file()
    assert not (root / "runtime_adapters").exists()  # the runtime is a dependency, not a copy
    assert "agent-scaffold-runtime" in (root / "pyproject.toml").read_text()
    assert entries(tmp_path) == ["weather-agent"]
    assert "cd " in result.stdout and 'scaffold run "Hello"' in result.stdout


def test_json_output_describes_the_project(cli_in_process, tmp_path):
    result = cli_in_process(["new", "json-agent", "--defaults", "--output", str(tmp_path), "--json"])

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["path"] == str(tmp_path / "json-agent")
    assert summary["package"] == "json_agent"
    assert summary["answers"]["project_name"] == "json-agent"
    assert not any(key.startswith("_") for key in summary["answers"])


def test_without_a_terminal_new_behaves_as_defaults(cli_in_process, tmp_path):
    result = cli_in_process(["new", "piped-agent", "--output", str(tmp_path)], input="")

    assert result.exit_code == 0, result.output
    assert read_answers(tmp_path / "piped-agent")["model_provider"] == "offline"


def test_data_and_target_options_answer_the_template(cli_in_process, tmp_path):
    result = cli_in_process(
        [
            "new", "picky-agent", "--defaults", "--output", str(tmp_path),
            "--target", "local", "--target", "fastapi",
            "--data", "aws_region=eu-west-1", "--data", "description=no",
        ]
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    answers = read_answers(tmp_path / "picky-agent")
    assert set(answers["targets"]) == {"local", "fastapi"}
    assert answers["aws_region"] == "eu-west-1"
    assert answers["description"] == "no"  # a str answer stays a string, not YAML's False


def test_data_list_values_are_parsed_as_yaml(cli_in_process, tmp_path):
    result = cli_in_process(
        ["new", "list-agent", "--defaults", "-o", str(tmp_path), "--data", "targets=[local, lambda]"]
    )

    assert result.exit_code == 0, result.output
    assert set(read_answers(tmp_path / "list-agent")["targets"]) == {"local", "lambda"}


def test_output_parent_is_created_when_missing(cli_in_process, tmp_path):
    result = cli_in_process(["new", "nested-agent", "--defaults", "-o", str(tmp_path / "a" / "b")])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / "b" / "nested-agent" / ".copier-answers.yml").is_file()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("A", "2-40 characters"),
        ("My_Agent", "lowercase letters, digits and hyphens"),
        ("1agent", "start with a lowercase letter"),
        ("my--agent", "single"),
        ("my-agent-", "end with a letter or digit"),
        ("x" * 41, "2-40 characters"),
        ("café-bot", "lowercase letters, digits and hyphens"),
    ],
)
def test_invalid_names_are_refused_before_anything_is_written(cli_in_process, tmp_path, name, reason):
    result = cli_in_process(["new", name, "--defaults", "--output", str(tmp_path)])

    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"Invalid project name {name!r}" in result.stderr
    assert reason in result.stderr
    assert ("Try: " in result.stderr) or ("Example: scaffold new" in result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1
    assert entries(tmp_path) == []


def test_an_invalid_name_gets_a_close_suggestion(cli_in_process, tmp_path):
    result = cli_in_process(["new", "My_Agent", "--output", str(tmp_path)])

    assert "Try: my-agent" in result.stderr


def test_existing_non_empty_destination_is_refused_and_untouched(cli_in_process, tmp_path):
    destination = tmp_path / "taken-agent"
    destination.mkdir()
    (destination / "notes.txt").write_text("keep me")

    result = cli_in_process(["new", "taken-agent", "--defaults", "--output", str(tmp_path)])

    assert result.exit_code == ExitCode.BAD_INPUT
    assert "already exists and is not empty" in result.stderr
    assert entries(destination) == ["notes.txt"]
    assert (destination / "notes.txt").read_text() == "keep me"
    assert entries(tmp_path) == ["taken-agent"]


def test_existing_file_at_the_destination_is_refused(cli_in_process, tmp_path):
    (tmp_path / "file-agent").write_text("a file")

    result = cli_in_process(["new", "file-agent", "--defaults", "--output", str(tmp_path)])

    assert result.exit_code == ExitCode.BAD_INPUT
    assert (tmp_path / "file-agent").read_text() == "a file"


def test_existing_empty_destination_is_used(cli_in_process, tmp_path):
    (tmp_path / "empty-agent").mkdir()

    result = cli_in_process(["new", "empty-agent", "--defaults", "--output", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "empty-agent" / ".copier-answers.yml").is_file()
    assert entries(tmp_path) == ["empty-agent"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("targets=[]", "targets"),
        ("model_provider=nope", "model_provider"),
        ("aws_region=mars", "aws_region"),
    ],
)
def test_answers_the_template_rejects_leave_nothing_behind(cli_in_process, tmp_path, data, message):
    output = tmp_path / "parent"

    result = cli_in_process(["new", "rejected-agent", "--defaults", "-o", str(output), "--data", data])

    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert message in result.stderr
    assert "nothing was created" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert entries(tmp_path) == []  # not even the --output parent it had to create


def test_a_reserved_name_is_rejected_by_the_template_and_leaves_nothing(cli_in_process, tmp_path):
    result = cli_in_process(["new", "test", "--defaults", "--output", str(tmp_path)])

    assert result.exit_code == ExitCode.BAD_INPUT
    assert "reserved" in result.stderr
    assert entries(tmp_path) == []


def test_ctrl_c_while_rendering_removes_the_staging_directory(cli_in_process, tmp_path, monkeypatch):
    def interrupted_render(template, staging, data, *, use_defaults, **_options):
        (staging / "half-written.txt").write_text("partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(rendering, "_render", interrupted_render)

    result = cli_in_process(["new", "cancelled-agent", "--defaults", "--output", str(tmp_path)])

    assert result.exit_code == ExitCode.INTERRUPTED
    assert "Cancelled; nothing was created" in result.stderr
    assert entries(tmp_path) == []


def test_sigterm_while_rendering_removes_the_staging_directory(cli_in_process, tmp_path, monkeypatch):
    def terminated_render(template, staging, data, *, use_defaults, **_options):
        (staging / "half-written.txt").write_text("partial")
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(rendering, "_render", terminated_render)

    result = cli_in_process(["new", "killed-agent", "--defaults", "--output", str(tmp_path)])

    assert result.exit_code == 128 + signal.SIGTERM
    assert entries(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "no-equals-sign"], "--data expects key=value"),
        (["--data", "targets=[local"], "Could not parse the value"),
        (["--data", "project_name=other"], "comes from NAME"),
        (["--target", "local", "--data", "targets=[local]"], "not both"),
    ],
)
def test_malformed_options_are_refused(cli_in_process, tmp_path, args, message):
    result = cli_in_process(["new", "opts-agent", "--defaults", "-o", str(tmp_path), *args])

    assert result.exit_code == ExitCode.BAD_INPUT
    assert message in result.stderr
    assert entries(tmp_path) == []


def test_custom_template_path(cli_in_process, tmp_path):
    template = tmp_path / "tiny-template"
    template.mkdir()
    (template / "copier.yml").write_text(
        "_answers_file: .copier-answers.yml\n"
        "project_name:\n  type: str\n"
        "greeting:\n  type: str\n  default: hi\n"
    )
    (template / "{{_copier_conf.answers_file}}.jinja").write_text("{{ _copier_answers|to_nice_yaml }}")
    (template / "README.md.jinja").write_text("{{ greeting }} from {{ project_name }}\n")
    output = tmp_path / "out"

    result = cli_in_process(
        ["new", "tiny", "--template", str(template), "-o", str(output), "-d", "greeting=hey"]
    )

    assert result.exit_code == 0, result.output
    assert (output / "tiny" / "README.md").read_text() == "hey from tiny\n"


def test_missing_template_is_a_clear_error(cli_in_process, tmp_path):
    result = cli_in_process(
        ["new", "lost-agent", "--template", str(tmp_path / "nowhere"), "-o", str(tmp_path)]
    )

    assert result.exit_code == ExitCode.FAILURE
    assert "Template not found" in result.stderr
    assert entries(tmp_path) == []


@pytest.mark.parametrize(
    ("value", "targets"),
    [
        ("local", ["local"]),
        ("local,lambda", ["local", "lambda"]),
        (" local , fastapi ", ["local", "fastapi"]),
    ],
)
def test_a_bare_value_answers_a_list_question(cli_in_process, tmp_path, value, targets):
    result = cli_in_process(
        ["new", "bare-agent", "--defaults", "-o", str(tmp_path), "--data", f"targets={value}"]
    )

    assert result.exit_code == 0, result.output
    assert sorted(read_answers(tmp_path / "bare-agent")["targets"]) == sorted(targets)


def test_a_mapping_for_a_list_question_is_one_clear_line(cli_in_process, tmp_path):
    result = cli_in_process(
        ["new", "map-agent", "--defaults", "-o", str(tmp_path), "--data", "targets={a: 1}"]
    )

    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        "Error: targets takes a list of values, got {'a': 1}. Example: --data targets='[local,lambda]'\n"
    )
    assert entries(tmp_path) == []


def test_an_unknown_data_key_is_refused_naming_the_valid_ones(cli_in_process, tmp_path):
    result = cli_in_process(["new", "typo-agent", "--defaults", "-o", str(tmp_path), "--data", "foo=bar"])

    assert result.exit_code == ExitCode.BAD_INPUT
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    prefix = "Error: The template has no question 'foo'; its questions are: "
    assert lines[0].startswith(prefix)
    listed = lines[0].removeprefix(prefix).rstrip(".").split(", ")
    assert listed == sorted(listed) and {"auth", "aws_region", "targets", "memory"} <= set(listed)
    assert "package_name" not in lines[0]  # computed, not answerable
    assert entries(tmp_path) == []


def test_an_unknown_key_is_refused_by_a_custom_template_too(cli_in_process, tmp_path):
    template = tmp_path / "tiny-template"
    template.mkdir()
    (template / "copier.yml").write_text(
        "project_name:\n  type: str\ngreeting:\n  type: str\n  default: hi\n"
    )
    output = tmp_path / "out"

    result = cli_in_process(
        ["new", "tiny", "--template", str(template), "-o", str(output), "-d", "greting=hey"]
    )

    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        "Error: The template has no question 'greting'; its questions are: greeting, project_name.\n"
    )
    assert not output.exists()


def test_an_answer_whose_setting_is_left_empty_is_named_at_creation(cli_in_process, tmp_path):
    result = cli_in_process(
        ["new", "s3-agent", "--defaults", "-o", str(tmp_path), "-t", "local", "-d", "memory=s3"]
    )

    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Note: memory=s3 has no session_bucket: the agent will not start until AGENT_SESSION_BUCKET is set "
        "(or run `scaffold configure session_bucket=...`).\n"
    )


def test_no_note_when_the_setting_is_answered(cli_in_process, tmp_path):
    result = cli_in_process(
        [
            "new",
            "s3-agent",
            "--defaults",
            "-o",
            str(tmp_path),
            "-t",
            "local",
            "-d",
            "memory=s3",
            "-d",
            "session_bucket=b1",
        ]
    )

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
