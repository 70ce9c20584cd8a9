"""The generated workflows: valid for actionlint, every action pinned to a commit, and the pipeline the
docs promise (tests and evals on pull requests; package, staging, smoke test, approved promotion on main)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffold import __version__
from scaffold.ci.github import DEFAULT_SCAFFOLD_INSTALL, render_workflows, settings_from_answers
from scaffold.templates import builtin_template

from .support import WORKFLOWS, load_workflow, run_cli, tool, triggers

PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:- )?uses: (\S+) # (v\d+\.\d+\.\d+)$")
OIDC_PERMISSIONS = {"id-token": "write", "contents": "read"}


@pytest.fixture(scope="module")
def agentcore_workflows(agentcore_project: Path) -> Path:
    result = run_cli("ci", "github", "--project", str(agentcore_project))
    assert result.exit_code == 0, result.output
    return agentcore_project


def _all_workflow_files(*projects: Path) -> list[Path]:
    files = [project / name for project in projects for name in WORKFLOWS]
    assert all(path.is_file() for path in files)
    return files


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"].strip() for step in _steps(job) if "run" in step]


def test_actionlint_accepts_every_generated_workflow(lambda_project: Path, agentcore_workflows: Path) -> None:
    files = _all_workflow_files(lambda_project, agentcore_workflows)
    result = subprocess.run(
        [tool("actionlint"), "-no-color", *map(str, files)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_actionlint_is_a_real_check(tmp_path: Path, lambda_project: Path) -> None:
    """The same run reports a broken workflow: an unknown job key and an undefined step output."""
    broken = (lambda_project / WORKFLOWS[0]).read_text(encoding="utf-8")
    broken = broken.replace("timeout-minutes: 30", "timeout-minutes: 30\n    run-on: ubuntu-latest")
    path = tmp_path / ".github" / "workflows" / "broken.yml"
    path.parent.mkdir(parents=True)
    path.write_text(broken, encoding="utf-8")
    result = subprocess.run([tool("actionlint"), "-no-color", str(path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "run-on" in result.stdout


def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version(
    lambda_project: Path, agentcore_workflows: Path
) -> None:
    for path in _all_workflow_files(lambda_project, agentcore_workflows):
        workflow = load_workflow(path)
        uses = [step["uses"] for job in workflow["jobs"].values() for step in _steps(job) if "uses" in step]
        assert uses, path
        assert all(PINNED.match(reference) for reference in uses), uses
        commented = [USES_LINE.match(line) for line in path.read_text().splitlines() if "uses:" in line]
        assert len(commented) == len(uses) and all(commented), path


def test_pull_requests_run_the_tests_and_evals_without_aws(lambda_project: Path) -> None:
    workflow = load_workflow(lambda_project / WORKFLOWS[0])
    assert triggers(workflow) == {"pull_request": {"branches": ["main"]}}
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert "permissions" not in job and "environment" not in job
    uses = [step["uses"].split("@")[0] for step in _steps(job) if "uses" in step]
    assert uses == ["actions/checkout", "actions/setup-python"]
    assert _steps(job)[1]["with"]["python-version"] == "3.12"
    runs = _runs(job)
    assert DEFAULT_SCAFFOLD_INSTALL in runs[0] and "pip install -e '.[test]'" in runs[0]
    assert runs[1:] == ["python -m pytest -q", "scaffold eval"]
    (evaluation,) = [step for step in _steps(job) if step.get("run") == "scaffold eval"]
    assert evaluation["if"] == "hashFiles('evals/**') != ''"


def test_main_packages_deploys_staging_smoke_tests_then_promotes_on_approval(
    lambda_project: Path, agentcore_workflows: Path
) -> None:
    for project, target in ((lambda_project, "lambda"), (agentcore_workflows, "agentcore")):
        workflow = load_workflow(project / WORKFLOWS[1])
        assert triggers(workflow) == {"push": {"branches": ["main"]}}
        assert workflow["permissions"] == {"contents": "read"}
        assert workflow["env"] == {"AWS_REGION": "us-east-1"}
        staging, production = workflow["jobs"]["staging"], workflow["jobs"]["production"]
        assert staging["environment"] == "staging" and staging["permissions"] == OIDC_PERMISSIONS
        assert production["environment"] == "production" and production["permissions"] == OIDC_PERMISSIONS
        assert production["needs"] == "staging"
        assert _runs(staging)[1:] == [
            f"scaffold package --target {target}",
            f"scaffold deploy --target {target} --env staging --yes",
            f'scaffold invoke "ping" --target {target} --env staging',
        ]
        assert _runs(production)[1:] == [f"scaffold promote --from staging --to prod --target {target} --yes"]
        for job in (staging, production):
            (credentials,) = [s for s in _steps(job) if "configure-aws-credentials" in s.get("uses", "")]
            assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
            assert credentials["with"]["aws-region"] == "${{ env.AWS_REGION }}"
            steps = _steps(job)
            first_scaffold = next(i for i, s in enumerate(steps) if s.get("run", "").startswith("scaffold "))
            assert steps.index(credentials) < first_scaffold  # credentials before the AWS calls


def test_answers_reach_the_workflows(agentcore_workflows: Path) -> None:
    test_workflow = load_workflow(agentcore_workflows / WORKFLOWS[0])
    assert _steps(test_workflow["jobs"]["test"])[1]["with"]["python-version"] == "3.13"


def test_a_custom_install_command_replaces_the_default() -> None:
    settings = settings_from_answers(
        {"project_name": "demo-agent", "targets": ["lambda"]},
        scaffold_install="pip install --index-url https://pypi.example.com/simple agent-scaffold",
    )
    for text in render_workflows(settings).values():
        workflow = yaml.safe_load(text)
        for job in workflow["jobs"].values():
            install = _runs(job)[0].splitlines()
            assert install[1] == "pip install --index-url https://pypi.example.com/simple agent-scaffold"
            assert DEFAULT_SCAFFOLD_INSTALL not in text


def test_the_default_install_is_this_version_in_both_the_command_and_the_template() -> None:
    assert f"python -m pip install agent-scaffold=={__version__}" == DEFAULT_SCAFFOLD_INSTALL
    questions = yaml.safe_load((builtin_template() / "copier.yml").read_text(encoding="utf-8"))
    assert questions["scaffold_install"]["default"] == DEFAULT_SCAFFOLD_INSTALL
