"""Project discovery: walking up to ``.copier-answers.yml``, ``--project``, and the errors around it."""

from __future__ import annotations

import pytest

from scaffold.errors import ExitCode, NotInProject
from scaffold.project import ANSWERS_FILE, find_project_root, load_project, locate_project


def test_found_from_a_nested_subdirectory(project):
    nested = project / "demo_agent" / "entrypoints"

    found = locate_project(nested)

    assert found.root == project.resolve()
    assert found.project_name == "demo-agent"
    assert found.package_name == "demo_agent"
    assert set(found.targets) == {"agentcore", "lambda", "fastapi", "local"}
    assert found.model_provider == "offline"
    assert found.module("entrypoints.local") == "demo_agent.entrypoints.local"


def test_outside_a_project_is_a_clear_error(tmp_path):
    with pytest.raises(NotInProject) as raised:
        locate_project(tmp_path)

    message = raised.value.message
    assert message.startswith("Not inside an agent-scaffold project")
    assert f"from {tmp_path.resolve()} upward" in message
    assert message.endswith("Create one with: scaffold new NAME")


def test_nearest_answers_file_wins(tmp_path):
    (tmp_path / ANSWERS_FILE).write_text("project_name: outer\n")
    inner = tmp_path / "sub" / "inner"
    inner.mkdir(parents=True)
    (inner / ANSWERS_FILE).write_text("project_name: inner-one\ntargets: [local]\n")
    deeper = inner / "x" / "y"
    deeper.mkdir(parents=True)

    assert find_project_root(deeper) == inner
    assert load_project(inner).package_name == "inner_one"
    assert find_project_root(tmp_path / "sub") == tmp_path


def test_answers_without_a_project_name_are_refused(tmp_path):
    (tmp_path / ANSWERS_FILE).write_text("something: else\n")

    with pytest.raises(Exception, match="has no project_name"):
        locate_project(tmp_path)


def test_run_outside_a_project_exits_2_with_the_message(cli_in_process, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    result = cli_in_process(["run", "hello"])

    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Not inside an agent-scaffold project" in result.stderr
    assert "scaffold new NAME" in result.stderr
    assert "Traceback" not in result.output


def test_serve_outside_a_project_exits_2(cli_in_process, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    result = cli_in_process(["serve", "--target", "agentcore"])

    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Not inside an agent-scaffold project" in result.stderr


def test_a_target_the_project_lacks_is_named_with_what_to_do_instead(cli_in_process, project_factory):
    server_only = project_factory("--target", "fastapi", name="server-only")

    run = cli_in_process(["run", "hello", "--project", str(server_only)])
    serve = cli_in_process(["serve", "--target", "agentcore", "--project", str(server_only)])

    assert run.exit_code == ExitCode.BAD_INPUT
    assert "was not generated with the 'local' target" in run.stderr
    assert "scaffold serve --target fastapi" in run.stderr
    assert serve.exit_code == ExitCode.BAD_INPUT
    assert "'agentcore' target" in serve.stderr


def test_run_json_needs_a_prompt(cli_in_process, project):
    result = cli_in_process(["run", "--json", "--project", str(project)])

    assert result.exit_code == ExitCode.BAD_INPUT
    assert "needs a PROMPT" in result.stderr
