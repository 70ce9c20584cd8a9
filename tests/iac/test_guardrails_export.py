"""IAM guardrails in the CloudFormation export: every ``AWS::IAM::Role`` of every target's template carries
the environment's boundary, path, name prefix and required tags (the organisation layer's forced ones
pinned), the templates still pass cfn-lint and checkov, a template without guardrails is unchanged, and a
stack with a prefixed (named) role is created with ``CAPABILITY_NAMED_IAM``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.api import lint
from cfnlint.config import ManualArgs

from scaffold.environments.settings import load_environment
from scaffold.iac import stack
from scaffold.iac.cloudformation import BUILDERS, build_template, export
from scaffold.iac.role_guardrails import BOUNDARY, PATH, PREFIX, names_roles
from scaffold.project import Project
from tests.support.moto import moto_server

from .moto_subset import moto_subset
from .support import artifact_for, lambda_code_zip, make_project

LAYER_BOUNDARY = "arn:aws:iam::123456789012:policy/AcmeBoundary"
ENVIRONMENTS = """\
[environments.prod]
region = "eu-west-1"
[environments.prod.iam]
role_path = "/agents/"
role_name_prefix = "acme-"
required_tags = { CostCenter = "ai-42", Team = "agents", DataClass = "internal" }
"""


def guarded_project(root: Path, *, forced: dict[str, Any] | None = None) -> Project:
    """The IaC tests' project at ``root`` with ``environments.toml``, recording a layer's forced IAM."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "environments.toml").write_text(ENVIRONMENTS)
    base = make_project()
    layer = {"name": "acme-agents", "source": "/layers/acme", "iam": forced or {}}
    return replace(base, root=root, answers={**base.answers, "_scaffold_layer": layer})


def roles(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::IAM::Role"
    }


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return guarded_project(
        tmp_path / "demo-agent",
        forced={"permissions_boundary": LAYER_BOUNDARY, "required_tags": {"DataClass": "internal"}},
    )


@pytest.mark.parametrize("target", sorted(BUILDERS))
def test_every_role_of_every_target_carries_the_guardrails(project: Project, target: str) -> None:
    environment = load_environment(project.root, "prod")
    template = build_template(project, target, artifact_for(target), environment=environment).body()
    found = roles(template)
    assert found, f"the {target} template has no role"
    for logical_id, role in found.items():
        assert role["Path"] == {"Ref": PATH}
        assert role["PermissionsBoundary"] == {
            "Fn::If": ["HasPermissionsBoundary", {"Ref": BOUNDARY}, {"Ref": "AWS::NoValue"}]
        }
        name = role["RoleName"]["Fn::If"][1]["Fn::Sub"]
        assert name.startswith("${RoleNamePrefix}demo-agent-prod-") and name.endswith(logical_id)
        assert len(name.replace("${RoleNamePrefix}", "")) <= 40  # + a 24-character prefix fits in 64
        tags = {tag["Key"]: tag["Value"] for tag in role["Tags"]}
        assert tags == {"CostCenter": "ai-42", "Team": "agents", "DataClass": "internal"}
    parameters = template["Parameters"]
    # The layer's boundary is pinned; the environment's path and prefix are defaults a pipeline may change.
    assert parameters[BOUNDARY]["AllowedValues"] == [LAYER_BOUNDARY]
    assert parameters[BOUNDARY]["Default"] == LAYER_BOUNDARY
    assert parameters[PATH]["Default"] == "/agents/" and "AllowedValues" not in parameters[PATH]
    assert parameters[PREFIX]["Default"] == "acme-" and parameters[PREFIX]["MaxLength"] == 24


def test_without_guardrails_a_template_is_unchanged(tmp_path: Path) -> None:
    plain = make_project()
    recorded = guarded_project(tmp_path / "demo-agent")  # a layer that forces nothing, no --env
    for target in sorted(BUILDERS):
        artifact = artifact_for(target)
        assert (
            build_template(recorded, target, artifact).body()
            == build_template(plain, target, artifact).body()
        )


def test_the_layers_forced_guardrails_apply_without_an_environment(project: Project) -> None:
    template = build_template(project, "lambda", artifact_for("lambda")).body()
    role = roles(template)["FunctionRole"]
    assert {tag["Key"]: tag["Value"] for tag in role["Tags"]} == {"DataClass": "internal"}
    assert template["Parameters"][PATH]["Default"] == "/"  # the environment's path needs --env
    assert template["Parameters"][BOUNDARY]["Default"] == LAYER_BOUNDARY


def _checkov() -> str:
    executable = shutil.which("checkov", path=str(Path(sys.executable).parent)) or shutil.which("checkov")
    assert executable, "checkov is a test dependency: pip install -e '.[test]'"
    return executable


def test_guarded_exports_pass_cfn_lint_and_checkov(project: Project, tmp_path: Path) -> None:
    environment = load_environment(project.root, "prod")
    out = tmp_path / "exports"
    templates = []
    for target in sorted(BUILDERS):
        written = export(project, target, out, artifact_for(target), environment=environment)
        templates.append(written[0])
    for path in templates:
        findings = lint(
            path.read_text(encoding="utf-8"),
            config=ManualArgs(regions=["us-east-1", "eu-west-1"], include_checks=["I"]),
        )
        assert [f"{m.rule.id} {m.message}" for m in findings] == [], path
    result = subprocess.run(
        [_checkov(), "--directory", str(out), "--framework", "cloudformation", "--quiet", "--compact",
         "--skip-download", "--output", "json"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["summary"]["failed"] == 0 and report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 0


def test_a_stack_with_named_roles_is_created_with_named_iam_and_the_roles_have_the_guardrails(
    project: Project,
) -> None:
    """The guarded lambda template on moto's CloudFormation, through ``deploy_stack`` (what the fastapi
    deployer calls): CreateStack acknowledges CAPABILITY_NAMED_IAM, and IAM's GetRole shows the role
    under the path and prefix, with the boundary and the tags."""
    environment = load_environment(project.root, "prod")
    body = moto_subset(
        build_template(project, "lambda", artifact_for("lambda"), environment=environment).body()
    ).template
    requests: list[dict[str, Any]] = []
    with moto_server("us-east-1") as url:
        client = boto3.client("cloudformation", endpoint_url=url, region_name="us-east-1")
        client.meta.events.register(
            "provide-client-params.cloudformation.CreateStack", lambda params, **_: requests.append(params)
        )
        iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1")
        iam.create_policy(PolicyName="AcmeBoundary", PolicyDocument=_BOUNDARY_POLICY)
        s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1")
        s3.create_bucket(Bucket="code")
        s3.put_object(Bucket="code", Key=body["Parameters"]["CodeKey"]["Default"], Body=lambda_code_zip())
        result = stack.deploy_stack(client, "demo-agent-prod", body, {"CodeBucket": "code"}, poll_seconds=0)
        assert result.outcome == "created", result
        role = iam.get_role(RoleName="acme-demo-agent-prod-lambda-FunctionRole")["Role"]
    assert [request["Capabilities"] for request in requests] == [["CAPABILITY_NAMED_IAM"]]
    assert role["Path"] == "/agents/"
    assert role["Arn"].endswith(":role/agents/acme-demo-agent-prod-lambda-FunctionRole")
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == LAYER_BOUNDARY
    tags = {tag["Key"]: tag["Value"] for tag in role["Tags"]}
    assert tags == {"CostCenter": "ai-42", "Team": "agents", "DataClass": "internal"}


def test_a_template_without_named_roles_keeps_capability_iam() -> None:
    body = build_template(make_project(), "lambda", artifact_for("lambda")).body()
    assert not names_roles(body)
    assert stack.CAPABILITIES == ("CAPABILITY_IAM",)


_BOUNDARY_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
