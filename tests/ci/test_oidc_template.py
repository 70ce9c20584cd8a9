"""The GitHub OIDC provider and deploy role template: clean for cfn-lint and checkov, a trust policy that
admits only this repository's main branch and its staging/production environments, an optional
permissions boundary, and permissions scoped to the project's own resources."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint
from cfnlint.config import ManualArgs

from scaffold.ci.oidc_template import build, to_text

from .support import run_cli, tool

TARGETS = ("lambda", "agentcore")
ISSUER = "token.actions.githubusercontent.com"


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("oidc")
    written = {}
    for target in TARGETS:
        path = folder / f"demo-agent-{target}-ci.json"
        path.write_text(to_text(build("demo-agent", "demo_agent", target, "my-org/demo-agent")))
        written[target] = path
    return written


def _role(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text())["Resources"]["DeployRole"])


@pytest.mark.parametrize("target", TARGETS)
def test_cfn_lint_finds_nothing(templates: dict[str, Path], target: str) -> None:
    matches = lint(
        templates[target].read_text(),
        config=ManualArgs(regions=["us-east-1", "eu-west-1"], include_checks=["I"]),
    )
    assert [f"{match.rule.id} {match.message}" for match in matches] == []


def test_checkov_finds_no_failed_check(templates: dict[str, Path]) -> None:
    reports = []
    for path in templates.values():
        result = subprocess.run(
            [tool("checkov"), "--file", str(path), "--framework", "cloudformation", "--output", "json",
             "--quiet", "--compact", "--skip-download"],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        reports.append(json.loads(result.stdout))
    for report in reports:
        assert report["check_type"] == "cloudformation"
        assert report["summary"]["failed"] == 0 and report["summary"]["parsing_errors"] == 0
        assert report["summary"]["passed"] >= 9 and report["summary"]["skipped"] == 0


def test_checkov_would_catch_a_wildcard_role(templates: dict[str, Path], tmp_path: Path) -> None:
    """The same command fails a template whose role may do anything: the check above can fail."""
    body = json.loads(templates["lambda"].read_text())
    body["Resources"]["DeployRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].append(
        {"Effect": "Allow", "Action": ["iam:*"], "Resource": "*"}
    )
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(body))
    result = subprocess.run(
        [tool("checkov"), "--file", str(path), "--framework", "cloudformation", "--output", "json",
         "--quiet", "--compact", "--skip-download"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["failed"] > 0


def test_no_checkov_check_is_suppressed(templates: dict[str, Path]) -> None:
    """Nothing to explain: a future suppression must come with a reason, and this test changes with it."""
    for path in templates.values():
        body = json.loads(path.read_text())
        skipped = [
            name for name, resource in body["Resources"].items() if "checkov" in resource.get("Metadata", {})
        ]
        assert skipped == [] and "checkov" not in body.get("Metadata", {})


def test_only_this_repositorys_main_branch_and_environments_may_assume_the_role(
    templates: dict[str, Path],
) -> None:
    (trust,) = _role(templates["lambda"])["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Effect"] == "Allow" and trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust["Principal"] == {
        "Federated": {
            "Fn::If": ["CreateOidcProvider", {"Fn::GetAtt": ["GitHubOidcProvider", "Arn"]},
                       {"Ref": "ExistingOidcProviderArn"}]
        }
    }  # fmt: skip
    assert trust["Condition"] == {
        "StringEquals": {
            f"{ISSUER}:aud": "sts.amazonaws.com",
            f"{ISSUER}:sub": [
                {"Fn::Sub": "repo:${GitHubRepository}:ref:refs/heads/main"},
                {"Fn::Sub": "repo:${GitHubRepository}:environment:staging"},
                {"Fn::Sub": "repo:${GitHubRepository}:environment:production"},
            ],
        }
    }
    parameters = json.loads(templates["lambda"].read_text())["Parameters"]
    assert parameters["GitHubRepository"]["Default"] == "my-org/demo-agent"


def test_the_provider_is_created_only_when_none_is_given(templates: dict[str, Path]) -> None:
    body = json.loads(templates["lambda"].read_text())
    provider = body["Resources"]["GitHubOidcProvider"]
    assert provider["Condition"] == "CreateOidcProvider"
    assert provider["Properties"]["Url"] == f"https://{ISSUER}"
    assert provider["Properties"]["ClientIdList"] == ["sts.amazonaws.com"]
    assert body["Conditions"]["CreateOidcProvider"] == {
        "Fn::Equals": [{"Ref": "ExistingOidcProviderArn"}, ""]
    }


def test_the_permissions_boundary_is_applied_when_given(templates: dict[str, Path]) -> None:
    body = json.loads(templates["agentcore"].read_text())
    assert body["Parameters"]["PermissionsBoundaryArn"]["Default"] == ""
    assert body["Conditions"]["HasPermissionsBoundary"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "PermissionsBoundaryArn"}, ""]}]
    }
    assert _role(templates["agentcore"])["Properties"]["PermissionsBoundary"] == {
        "Fn::If": ["HasPermissionsBoundary", {"Ref": "PermissionsBoundaryArn"}, {"Ref": "AWS::NoValue"}]
    }


def _statements(path: Path) -> list[dict[str, Any]]:
    return list(_role(path)["Properties"]["Policies"][0]["PolicyDocument"]["Statement"])


def _resources(statement: dict[str, Any]) -> list[str]:
    return [item["Fn::Sub"] if isinstance(item, dict) else item for item in statement["Resource"]]


@pytest.mark.parametrize("target", TARGETS)
def test_permissions_are_scoped_to_the_project(templates: dict[str, Path], target: str) -> None:
    statements = _statements(templates[target])
    assert all(statement["Effect"] == "Allow" for statement in statements)
    assert not [a for s in statements for a in s["Action"] if "*" in a], "no wildcard actions"
    assert not [r for s in statements for r in _resources(s) if r == "*"], "no unscoped resources"
    by_sid = {statement["Sid"]: statement for statement in statements}
    assert _resources(by_sid["ManageTheAgentExecutionRole"]) == [
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/scaffold-demo-agent-*"
    ]
    assert by_sid["PassTheAgentExecutionRole"]["Action"] == ["iam:PassRole"]
    passed_to = by_sid["PassTheAgentExecutionRole"]["Condition"]["StringEquals"]["iam:PassedToService"]
    assert passed_to == f"{target.replace('agentcore', 'bedrock-agentcore')}.amazonaws.com"
    assert _resources(by_sid["ManageTheCodeBucket"]) == ["arn:${AWS::Partition}:s3:::scaffold-demo-agent-*"]
    alarms = "demo-agent-*" if target == "lambda" else "demo_agent*"  # named after the function or runtime
    assert _resources(by_sid["ManageTheAgentAlarms"]) == [
        f"arn:${{AWS::Partition}}:cloudwatch:${{AWS::Region}}:${{AWS::AccountId}}:alarm:{alarms}"
    ]


def test_each_target_gets_only_its_own_service(templates: dict[str, Path]) -> None:
    def services(target: str) -> set[str]:
        return {action.split(":")[0] for s in _statements(templates[target]) for action in s["Action"]}

    assert services("lambda") == {"iam", "s3", "lambda", "apigateway", "logs", "cloudwatch"}
    assert services("agentcore") == {"iam", "s3", "bedrock-agentcore", "logs", "cloudwatch"}
    functions = next(s for s in _statements(templates["lambda"]) if s["Sid"] == "ManageTheFunction")
    assert {"lambda:InvokeFunction", "lambda:UpdateFunctionCode"} <= set(functions["Action"])
    assert all(":function:demo-agent" in resource for resource in _resources(functions))


def test_the_command_writes_the_template_for_the_projects_ci_target(
    lambda_project: Path, tmp_path: Path
) -> None:
    path = tmp_path / "role.json"
    result = run_cli(
        "ci", "github", "--project", str(lambda_project), "--oidc-template", str(path), "--repo", "o/r"
    )
    assert result.exit_code == 0, result.output
    body = json.loads(path.read_text())
    assert body["Parameters"]["GitHubRepository"]["Default"] == "o/r"
    assert "(lambda)" in body["Description"]


def test_a_malformed_repository_is_refused_before_anything_is_written(
    lambda_project: Path, tmp_path: Path
) -> None:
    project = Path(shutil.copytree(lambda_project, tmp_path / "demo-agent"))
    shutil.rmtree(project / ".github")
    path = tmp_path / "role.json"
    args = ["ci", "github", "--project", str(project), "--oidc-template", str(path)]
    result = run_cli(*args, "--repo", "my-org")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: --repo must be a GitHub OWNER/NAME (e.g. my-org/my-agent); got 'my-org'."
    )
    assert not path.exists() and not (project / ".github").exists()
    assert run_cli("ci", "github", "--project", str(lambda_project), "--repo", "o/r").exit_code == 2
