"""``scaffold deploy --plan --offline`` (and ``--plan`` when no credentials are found) plans from the
recorded state alone, makes no AWS call, and marks what only AWS could tell; for code review in CI."""

from __future__ import annotations

import json

import pytest

from scaffold.deploy.state import state_path
from scaffold.errors import ExitCode

from .conftest import PROJECT, run_cli

UNKNOWN = "? unknown without AWS"


def scrub_credentials(monkeypatch, tmp_path):
    """No credentials anywhere boto3 looks: environment, shared files, profile, container, instance."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def no_credentials(monkeypatch, tmp_path):
    scrub_credentials(monkeypatch, tmp_path)


def plan(project, *extra):
    return run_cli(["deploy", "-t", "lambda", "--plan", "--project", str(project.root), *extra])


def test_without_credentials_or_state_everything_is_a_create_marked_unknown(
    project, artifact, calls, no_credentials
):
    text = plan(project)

    assert text.exit_code == 0, text.output
    notice = "No AWS credentials found: planning offline, from the recorded state only.\n"
    assert text.stderr.count(notice) == 1
    lines = text.stdout.splitlines()
    assert "offline" in lines[0] and "account ?" in lines[0]
    assert f"s3_bucket            scaffold-{PROJECT}-?" in text.stdout  # its name depends on the account
    assert len(lines) > 3
    assert lines[-2].startswith("Artifact: sha256:")
    assert all(line.startswith("  + create") and UNKNOWN in line for line in lines[1:-2])
    assert calls.made == []
    assert not state_path(project.root, "lambda").exists()

    document = json.loads(plan(project, "--json").stdout)
    assert document["offline"] is True
    assert {step["action"] for step in document["steps"]} == {"create"}
    assert all(step["unknown"] == ["whether the name is free"] for step in document["steps"])
    assert document["counts"]["create"] == len(document["steps"])


def test_a_changed_project_is_planned_against_the_recorded_state_without_aws(
    project, moto, artifact, calls, monkeypatch, tmp_path
):
    deployed = run_cli(["deploy", "-t", "lambda", "--project", str(project.root), *moto.cli_args])
    assert deployed.exit_code == 0, deployed.output
    artifact.code = "v2"
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.scaffold.deploy.lambda]\nmemory_mb = 2048\n")
    calls.clear()

    explicit = plan(project, "--offline", "--json", *moto.cli_args)  # credentials present, still no call

    assert explicit.exit_code == 0, explicit.output
    assert explicit.stderr == ""
    assert calls.made == []
    document = json.loads(explicit.stdout)
    assert document["offline"] is True and document["account_id"] == "123456789012"
    steps = {step["key"]: step for step in document["steps"]}
    assert steps["code"]["action"] == "create"
    assert steps["function"]["action"] == "update"
    assert {"code_sha256", "memory_mb"} <= set(steps["function"]["changes"])
    assert steps["alias"]["action"] == "update" and steps["alias"]["changes"] == ["version"]
    assert steps["role"]["action"] == "unchanged"
    assert steps["role"]["unknown"] == ["whether it still exists unchanged"]
    assert steps["function_url"]["action"] == "unchanged"

    scrub_credentials(monkeypatch, tmp_path)
    automatic = plan(project)
    assert automatic.exit_code == 0, automatic.output
    assert "No AWS credentials found" in automatic.stderr
    function_line = next(line for line in automatic.stdout.splitlines() if " lambda_function " in line)
    assert (
        function_line.startswith("  ~ update") and "memory_mb" in function_line and UNKNOWN in function_line
    )
    assert calls.made == []


def test_offline_is_for_plans_only(project, artifact, no_credentials):
    result = run_cli(["deploy", "-t", "lambda", "--offline", "--project", str(project.root)])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "--offline plans only" in result.output


def test_a_deploy_that_is_not_a_plan_still_needs_credentials(project, artifact, no_credentials):
    result = run_cli(["deploy", "-t", "lambda", "--yes", "--project", str(project.root)])
    assert result.exit_code == ExitCode.CREDENTIALS
    assert "No AWS credentials" in result.stderr
