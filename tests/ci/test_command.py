"""``scaffold ci github``: one source with the template, and a user's edits are never overwritten unasked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .support import WORKFLOWS, generate, run_cli


@pytest.fixture
def project(lambda_project: Path, tmp_path: Path) -> Path:
    """A private copy of the ci=github project (these tests edit and delete files)."""
    return Path(shutil.copytree(lambda_project, tmp_path / "demo-agent"))


def _outcomes(output: str) -> dict[str, str]:
    report = json.loads(output)
    return {Path(item["path"]).name: item["outcome"] for item in report["files"]}


def test_the_command_writes_what_plain_copier_writes(project: Path) -> None:
    """The template answer and the command render the same source: byte-identical files."""
    from_copier = {name: (project / name).read_bytes() for name in WORKFLOWS}
    shutil.rmtree(project / ".github")
    result = run_cli("ci", "github", "--project", str(project), "--json")
    assert result.exit_code == 0, result.output
    assert _outcomes(result.stdout) == {"scaffold-test.yml": "written", "scaffold-deliver.yml": "written"}
    assert json.loads(result.stdout)["target"] == "lambda"
    assert {name: (project / name).read_bytes() for name in WORKFLOWS} == from_copier


def test_a_project_without_the_ci_answer_has_no_workflows(agentcore_project: Path, tmp_path: Path) -> None:
    plain = generate(tmp_path / "plain", targets=["lambda"])
    assert not (plain / ".github").exists()


def test_rerunning_keeps_an_edited_workflow_and_says_so(project: Path) -> None:
    edited = project / WORKFLOWS[0]
    text = edited.read_text(encoding="utf-8").replace("python -m pytest -q", "python -m pytest -q -x")
    edited.write_text(text, encoding="utf-8")

    result = run_cli("ci", "github", "--project", str(project))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "kept      .github/workflows/scaffold-test.yml",
        "unchanged .github/workflows/scaffold-deliver.yml",
    ]
    assert "1 edited file(s) kept; rerun with --force" in result.stderr
    assert edited.read_text(encoding="utf-8") == text

    forced = run_cli("ci", "github", "--project", str(project), "--force", "--json")
    assert _outcomes(forced.stdout)["scaffold-test.yml"] == "written"
    assert "pytest -q -x" not in edited.read_text(encoding="utf-8")
    assert not list(edited.parent.glob("*.tmp"))


def test_the_target_option_switches_the_deployed_target(agentcore_project: Path, tmp_path: Path) -> None:
    project = Path(shutil.copytree(agentcore_project, tmp_path / "demo-agent"))
    result = run_cli("ci", "github", "--project", str(project), "--target", "lambda", "--json")
    assert json.loads(result.stdout)["target"] == "lambda"
    assert "scaffold deploy --target lambda --env staging --yes" in (project / WORKFLOWS[1]).read_text()


def test_a_target_the_project_lacks_is_one_clear_error(project: Path) -> None:
    result = run_cli("ci", "github", "--project", str(project), "--target", "agentcore")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: --target agentcore: the project was not generated with that target."
    ]


def test_a_project_with_nothing_ci_can_deploy_is_refused(tmp_path: Path) -> None:
    local_only = generate(tmp_path / "local-only", targets=["local"])
    result = run_cli("ci", "github", "--project", str(local_only))
    assert result.exit_code == 2
    assert "CI deploys one of agentcore, lambda; this project has local." in result.output
    assert not (local_only / ".github").exists()


def test_the_template_refuses_ci_without_a_deployable_target(tmp_path: Path) -> None:
    from copier.errors import CopierError

    with pytest.raises((CopierError, ValueError), match="ci=github deploys the agentcore or lambda target"):
        generate(tmp_path / "refused", targets=["local"], ci="github")
    assert not (tmp_path / "refused" / ".github").exists()


def test_the_oidc_template_file_is_kept_when_edited(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "role.json"
    first = run_cli("ci", "github", "--project", str(project), "--oidc-template", str(path), "--json")
    assert _outcomes(first.stdout)["role.json"] == "written"
    path.write_text("{}\n", encoding="utf-8")
    again = run_cli("ci", "github", "--project", str(project), "--oidc-template", str(path), "--json")
    assert _outcomes(again.stdout)["role.json"] == "kept"
    assert path.read_text(encoding="utf-8") == "{}\n"


def test_template_validation_reads_github_expressions_as_workflow_syntax(project: Path) -> None:
    """`scaffold template validate` flags unrendered Jinja: ``${{ ... }}`` is not, ``{{ x }}`` still is."""
    from scaffold.lifecycle.validate import leftover_syntax

    workflow = project / WORKFLOWS[1]
    assert "${{ vars.AWS_DEPLOY_ROLE_ARN }}" in workflow.read_text(encoding="utf-8")
    assert [item for item in leftover_syntax(project) if item.startswith(".github/")] == []
    workflow.write_text(workflow.read_text(encoding="utf-8") + "# {{ project_name }} ${{ github.sha }}\n")
    found = [item for item in leftover_syntax(project) if item.startswith(".github/")]
    assert found == [f"{WORKFLOWS[1]}:{len(workflow.read_text().splitlines())}: {{{{"]


def test_the_pipelines_environments_are_written_when_missing_and_never_replaced(project: Path) -> None:
    from scaffold.environments.settings import load_all

    from_copier = project / "environments.toml"
    declared = load_all(project)
    assert declared is not None and {"staging", "prod"} <= set(declared)
    assert declared["prod"].region == "us-east-1" and declared["prod"].log_retention_days == 365
    from_copier.unlink()
    result = run_cli("ci", "github", "--project", str(project), "--json")
    assert result.exit_code == 0, result.output
    assert _outcomes(result.stdout)["environments.toml"] == "written"
    mine = "[environments.staging]\nregion = 'eu-west-1'\n"
    from_copier.write_text(mine, encoding="utf-8")
    forced = run_cli("ci", "github", "--project", str(project), "--force", "--json")
    assert forced.exit_code == 0, forced.output
    assert "environments.toml" not in _outcomes(forced.stdout)
    assert from_copier.read_text(encoding="utf-8") == mine
