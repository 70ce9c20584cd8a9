"""The CI deploy role under IAM guardrails: its boundary parameter defaults to the environment's (under the
organisation layer's), and it may manage execution roles only under their path and prefix, created with
that boundary; the template still passes cfn-lint. ``scaffold ci github --env`` reads environments.toml."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml
from cfnlint.api import lint
from cfnlint.config import ManualArgs

from scaffold.ci.oidc_template import build, to_text
from scaffold.environments.settings import IamGuardrails

from .support import run_cli

BOUNDARY = "arn:aws:iam::123456789012:policy/AgentBoundary"
RAILS = IamGuardrails(permissions_boundary=BOUNDARY, role_path="/agents/", role_name_prefix="acme-")


def _statements(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    policy = body["Resources"]["DeployRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    return {statement["Sid"]: statement for statement in policy["Statement"]}


def _resources(statement: dict[str, Any]) -> list[str]:
    return [item["Fn::Sub"] if isinstance(item, dict) else item for item in statement["Resource"]]


def test_the_deploy_role_follows_the_guardrails(tmp_path: Path) -> None:
    body = build("demo-agent", "demo_agent", "lambda", "my-org/demo-agent", RAILS)
    assert body["Parameters"]["PermissionsBoundaryArn"]["Default"] == BOUNDARY
    by_sid = _statements(body)
    roles = ["arn:${AWS::Partition}:iam::${AWS::AccountId}:role/agents/acme-scaffold-demo-agent-*"]
    create = by_sid["CreateTheAgentExecutionRoleWithItsBoundary"]
    assert create["Action"] == ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
    assert create["Condition"] == {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}}
    assert _resources(create) == roles
    assert _resources(by_sid["ManageTheAgentExecutionRole"]) == roles
    assert _resources(by_sid["PassTheAgentExecutionRole"]) == roles
    assert "iam:CreateRole" not in by_sid["ManageTheAgentExecutionRole"]["Action"]
    path = tmp_path / "role.json"
    path.write_text(to_text(body))
    findings = lint(path.read_text(), config=ManualArgs(regions=["us-east-1"], include_checks=["I"]))
    assert [f"{m.rule.id} {m.message}" for m in findings] == []


def test_without_guardrails_roles_are_created_without_a_condition() -> None:
    by_sid = _statements(build("demo-agent", "demo_agent", "agentcore"))
    assert by_sid["CreateTheAgentExecutionRole"]["Action"] == ["iam:CreateRole"]
    assert "Condition" not in by_sid["CreateTheAgentExecutionRole"]


def test_the_command_takes_the_environments_guardrails(lambda_project: Path, tmp_path: Path) -> None:
    project = Path(shutil.copytree(lambda_project, tmp_path / "demo-agent"))
    (project / "environments.toml").write_text(
        f'[environments.prod]\nregion = "us-east-1"\n[environments.prod.iam]\n'
        f'permissions_boundary = "{BOUNDARY}"\nrole_path = "/agents/"\n'
    )
    path = tmp_path / "role.json"
    result = run_cli("ci", "github", "--project", str(project), "--oidc-template", str(path), "--env", "prod")
    assert result.exit_code == 0, result.output
    body = json.loads(path.read_text())
    assert body["Parameters"]["PermissionsBoundaryArn"]["Default"] == BOUNDARY
    manage = _statements(body)["ManageTheAgentExecutionRole"]
    assert _resources(manage) == [
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/agents/scaffold-demo-agent-*"
    ]


def test_the_command_refuses_an_environment_that_drops_the_layers_boundary(
    lambda_project: Path, tmp_path: Path
) -> None:
    project = Path(shutil.copytree(lambda_project, tmp_path / "demo-agent"))
    answers_path = project / ".copier-answers.yml"
    answers = yaml.safe_load(answers_path.read_text())
    answers["_scaffold_layer"] = {
        "name": "acme-agents",
        "source": "/l",
        "iam": {"permissions_boundary": BOUNDARY},
    }
    answers_path.write_text(yaml.safe_dump(answers))
    (project / "environments.toml").write_text(
        '[environments.prod]\nregion = "us-east-1"\n[environments.prod.iam]\npermissions_boundary = ""\n'
    )
    path = tmp_path / "role.json"
    result = run_cli("ci", "github", "--project", str(project), "--oidc-template", str(path), "--env", "prod")
    assert result.exit_code == 2, result.output
    assert "environments.prod.iam.permissions_boundary" in result.output and "acme-agents" in result.output
    assert not path.exists()
    # Without --env the layer's boundary is the default.
    result = run_cli("ci", "github", "--project", str(project), "--oidc-template", str(path), "--force")
    assert result.exit_code == 0, result.output
    assert json.loads(path.read_text())["Parameters"]["PermissionsBoundaryArn"]["Default"] == BOUNDARY
