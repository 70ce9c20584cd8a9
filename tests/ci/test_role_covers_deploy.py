"""The deploy role allows every AWS call the toolkit really makes: deploy, a no-change redeploy, status,
logs and destroy run against moto (the fixtures of tests/deploy), each call is recorded through the
deployer's botocore hooks, mapped to its IAM action, and looked up in the role the OIDC template grants.

This checks actions, not resource scoping (moto does not evaluate IAM here); the ARNs are pinned by
tests/ci/test_oidc_template.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scaffold.ci.deploy_permissions import deploy_statements
from scaffold.deploy.aws import session_hooks

# Fixtures shared with tests/deploy: moto on loopback, generated projects, a small fixed artifact.
from tests.deploy.conftest import (  # noqa: F401
    PROJECT,
    artifact,
    generated,
    make_project,
    moto,
    moto_url,
    run_cli,
)

# The S3 and STS calls whose IAM action has another name (or needs none: GetCallerIdentity).
IAM_NAME = {
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "DeleteObjects"): "s3:DeleteObject",
    ("s3", "CreateMultipartUpload"): "s3:PutObject",
    ("s3", "UploadPart"): "s3:PutObject",
    ("s3", "CompleteMultipartUpload"): "s3:PutObject",
    ("sts", "GetCallerIdentity"): None,
}


# Services that sign requests under another name than their IAM prefix.
SIGNED_AS = {"monitoring": "cloudwatch"}


class Recorder:
    def __init__(self) -> None:
        self.actions: set[str] = set()

    def before_call(self, model: Any, **_: Any) -> None:
        prefix = model.service_model.signing_name  # IAM's service prefix (bedrock-agentcore for -control)
        prefix = SIGNED_AS.get(prefix, prefix)
        if prefix == "apigateway":  # API Gateway authorizes by HTTP method on the resource path
            self.actions.add(f"apigateway:{model.http['method']}")
            return
        action = IAM_NAME.get((prefix, model.name), f"{prefix}:{model.name}")
        if action:
            self.actions.add(action)


@pytest.fixture
def recorded() -> Iterator[Recorder]:
    recorder = Recorder()
    with session_hooks(("before-call", recorder.before_call)):
        yield recorder


def _granted(target: str) -> set[str]:
    return {action for s in deploy_statements(PROJECT, "demo_agent", target) for action in s["Action"]}


def _lifecycle(root: Path, target: str, endpoint: list[str], artifacts: Any) -> None:
    """Deploy, redeploy unchanged, redeploy new code, status, logs, destroy."""
    common = ["--target", target, "--project", str(root), *endpoint]
    for command in (["deploy", "--yes"], ["deploy", "--yes"], ["status", "--json"], ["logs"]):
        result = run_cli([command[0], *common, *command[1:]])
        assert result.exit_code == 0, result.output
    artifacts.code = "v2"
    changed = run_cli(["deploy", *common, "--yes"])
    assert changed.exit_code == 0, changed.output
    gone = run_cli(["destroy", *common, "--yes"])
    assert gone.exit_code == 0, gone.output


def test_the_role_allows_every_call_of_a_lambda_lifecycle(make_project, moto, artifact, recorded) -> None:  # noqa: F811
    project = make_project()
    _lifecycle(project.root, "lambda", moto.cli_args, artifact)
    expected = {"lambda:CreateFunction", "lambda:UpdateFunctionCode", "iam:CreateRole", "s3:PutObject"}
    assert expected <= recorded.actions
    assert recorded.actions - _granted("lambda") == set()


def test_the_role_allows_every_call_of_an_http_api_lambda(make_project, moto, artifact, recorded) -> None:  # noqa: F811
    project = make_project()
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.scaffold.deploy.lambda]\nfrontend = "http_api"\n')
    _lifecycle(project.root, "lambda", moto.cli_args, artifact)
    assert "apigateway:POST" in recorded.actions
    assert recorded.actions - _granted("lambda") == set()


def test_the_role_allows_every_call_of_an_agentcore_lifecycle(make_project, moto, artifact, recorded) -> None:  # noqa: F811
    project = make_project("memory=agentcore")
    _lifecycle(project.root, "agentcore", moto.cli_args, artifact)
    expected = {"bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:UpdateAgentRuntime"}
    assert expected | {"bedrock-agentcore:CreateMemory"} <= recorded.actions
    assert recorded.actions - _granted("agentcore") == set()
