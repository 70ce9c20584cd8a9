"""Environments (``environments.toml``): two environments of one project side by side in one account, each
with its own state, names and tags; destroying one leaves the other; promote deploys the staging digest to
prod and refuses after a code change; settings-file errors are one line naming the key, before any AWS call.
"""

from __future__ import annotations

import json
import shutil

import pytest

from scaffold.deploy.naming import TAG_ENVIRONMENT
from scaffold.deploy.state import load_state, state_path
from scaffold.errors import ExitCode

from .conftest import PROJECT, REGION, run_cli

ENVIRONMENTS = f"""\
[defaults]
region = "{REGION}"
log_retention_days = 14

[environments.dev]

[environments.staging]
model_id = "staging-model"
environment = {{ AGENT_LOG_LEVEL = "DEBUG" }}

[environments.prod]
account_id = "123456789012"
log_retention_days = 365
[environments.prod.lambda]
memory_mb = 2048
"""


def cli(project, moto, *args):
    return run_cli([*args, "--project", str(project.root), *moto.cli_args])


@pytest.fixture
def staged(project):
    (project.root / "environments.toml").write_text(ENVIRONMENTS, encoding="utf-8")
    return project


def test_two_environments_live_side_by_side_and_destroying_one_keeps_the_other(staged, moto, artifact):
    for env in ("dev", "staging"):
        result = cli(staged, moto, "deploy", "-t", "lambda", "--env", env, "--yes")
        assert result.exit_code == 0, result.output
        assert f"environment {env}" in result.stdout

    dev, staging = load_state(staged.root, "lambda"), load_state(staged.root, "lambda", "staging")
    assert dev is not None and staging is not None
    assert state_path(staged.root, "lambda", "staging") == staged.root / ".scaffold/state/staging/lambda.json"
    assert staging.environment == "staging" and dev.environment == "dev"
    lam = moto.client("lambda")
    assert {fn["FunctionName"] for fn in lam.list_functions()["Functions"]} == {PROJECT, f"{PROJECT}-staging"}
    staged_fn = lam.get_function(FunctionName=f"{PROJECT}-staging")
    variables = staged_fn["Configuration"]["Environment"]["Variables"]
    assert variables["AGENT_MODEL_ID"] == "staging-model" and variables["AGENT_LOG_LEVEL"] == "DEBUG"
    assert staged_fn["Tags"][TAG_ENVIRONMENT] == "staging"
    assert lam.get_function(FunctionName=PROJECT)["Tags"][TAG_ENVIRONMENT] == "dev"
    groups = moto.client("logs").describe_log_groups()["logGroups"]
    assert {g["logGroupName"]: g.get("retentionInDays") for g in groups} == {
        f"/aws/lambda/{PROJECT}": 14,
        f"/aws/lambda/{PROJECT}-staging": 14,
    }
    roles = {role["RoleName"] for role in moto.client("iam").list_roles()["Roles"]}
    assert {f"scaffold-{PROJECT}-lambda", f"scaffold-{PROJECT}-staging-lambda"} <= roles

    status = cli(staged, moto, "status", "-t", "lambda", "--env", "staging", "--json")
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["in_sync"] is True

    destroyed = cli(staged, moto, "destroy", "-t", "lambda", "--env", "staging", "--yes")
    assert destroyed.exit_code == 0, destroyed.output
    assert load_state(staged.root, "lambda", "staging") is None
    assert load_state(staged.root, "lambda") is not None
    assert [fn["FunctionName"] for fn in lam.list_functions()["Functions"]] == [PROJECT]
    again = cli(staged, moto, "status", "-t", "lambda", "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["in_sync"] is True


def test_promote_deploys_the_staging_digest_to_prod_and_refuses_after_a_code_change(staged, moto, artifact):
    assert cli(staged, moto, "deploy", "-t", "lambda", "--env", "staging", "--yes").exit_code == 0
    staging = load_state(staged.root, "lambda", "staging")
    assert staging is not None
    digest = staging.deployment["artifact"]["sha256"]
    builds = len(artifact.builds)

    plan = cli(staged, moto, "promote", "--from", "staging", "--to", "prod", "-t", "lambda", "--plan")
    assert plan.exit_code == 0, plan.output
    assert f"Artifact: sha256:{digest}" in plan.stdout and "environment prod" in plan.stdout

    artifact.code = "v2"  # a build now would differ: promote must not build
    promoted = cli(staged, moto, "promote", "--from", "staging", "--to", "prod", "-t", "lambda", "--yes")
    assert promoted.exit_code == 0, promoted.output
    assert f"sha256:{digest}" in promoted.stdout
    assert len(artifact.builds) == builds, "promote rebuilt instead of taking staging's artifact"
    prod = load_state(staged.root, "lambda", "prod")
    assert prod is not None
    assert prod.deployment["artifact"]["sha256"] == digest
    assert prod.deployment["promoted_from"] == "staging"
    assert prod.deployment["source_sha256"] == staging.deployment["source_sha256"]
    s3 = moto.client("s3")
    code = prod.resources["code"]
    body = s3.get_object(Bucket=code["bucket"], Key=code["key"])["Body"].read()
    assert code["bucket"] != staging.resources["code"]["bucket"]
    assert code["sha256"] == digest and len(body) == prod.deployment["artifact"]["size_bytes"]
    prod_fn = moto.client("lambda").get_function(FunctionName=f"{PROJECT}-prod")["Configuration"]
    assert prod_fn["MemorySize"] == 2048

    agent = staged.root / staged.package_name / "agent.py"
    agent.write_text(
        agent.read_text(encoding="utf-8") + "\n# a change staging has not seen\n", encoding="utf-8"
    )
    refused = cli(staged, moto, "promote", "--from", "staging", "--to", "prod", "-t", "lambda", "--yes")
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert "changed since staging was deployed" in refused.output and "--rebuild" in refused.output
    assert load_state(staged.root, "lambda", "prod").deployment["artifact"]["sha256"] == digest

    rebuilt = cli(
        staged, moto, "promote", "--from", "staging", "--to", "prod", "-t", "lambda", "--yes", "--rebuild"
    )
    assert rebuilt.exit_code == 0, rebuilt.output
    assert len(artifact.builds) == builds + 1
    assert (
        load_state(staged.root, "lambda", "prod").deployment["artifact"]["sha256"]
        == artifact.last_sha256
        != digest
    )


def test_promote_fetches_the_artifact_from_the_source_bucket_when_no_local_copy_exists(
    staged, moto, artifact
):
    assert cli(staged, moto, "deploy", "-t", "lambda", "--env", "staging", "--yes").exit_code == 0
    digest = load_state(staged.root, "lambda", "staging").deployment["artifact"]["sha256"]
    shutil.rmtree(artifact.directory)  # no build of it on this machine (a fresh CI runner)

    promoted = cli(staged, moto, "promote", "--from", "staging", "--to", "prod", "-t", "lambda", "--yes")
    assert promoted.exit_code == 0, promoted.output
    assert "Fetching artifact" in promoted.output
    fetched = staged.root / ".scaffold/build/promoted" / f"{PROJECT}-{digest[:16]}.zip"
    assert fetched.is_file()
    assert load_state(staged.root, "lambda", "prod").deployment["artifact"]["sha256"] == digest


def test_promote_needs_a_complete_source_deployment_and_two_environments(staged, moto, artifact):
    missing = cli(staged, moto, "promote", "--from", "staging", "--to", "prod", "-t", "lambda")
    assert missing.exit_code == ExitCode.NOT_DEPLOYED
    assert "scaffold deploy --target lambda --env staging" in missing.output
    same = cli(staged, moto, "promote", "--from", "prod", "--to", "prod", "-t", "lambda")
    assert same.exit_code == ExitCode.BAD_INPUT and "both 'prod'" in same.output
    unknown = cli(staged, moto, "promote", "--from", "staging", "--to", "qa", "-t", "lambda")
    assert unknown.exit_code == ExitCode.BAD_INPUT
    assert "No environment 'qa'" in unknown.output and "dev, prod, staging" in unknown.output


def test_the_account_guard_and_the_environment_region_refuse_before_anything_changes(
    staged, moto, artifact, calls
):
    text = ENVIRONMENTS.replace('account_id = "123456789012"', 'account_id = "999999999999"')
    (staged.root / "environments.toml").write_text(text, encoding="utf-8")
    guarded = cli(staged, moto, "deploy", "-t", "lambda", "--env", "prod", "--yes")
    assert guarded.exit_code == ExitCode.CREDENTIALS
    assert "account 999999999999" in guarded.output and "123456789012" in guarded.output
    elsewhere = cli(staged, moto, "deploy", "-t", "lambda", "--env", "staging", "--region", "eu-west-1")
    assert elsewhere.exit_code == ExitCode.BAD_INPUT and "contradicts" in elsewhere.output
    assert calls.mutating == []
    assert not state_path(staged.root, "lambda", "prod").exists()


@pytest.mark.parametrize(
    ("table", "key", "problem"),
    [
        (
            "[environments.qa]\nregion = 'us-east-1'\nlog_retention = 7\n",
            "environments.qa.log_retention",
            "unknown key",
        ),
        (
            "[environments.qa]\nregion = 'us-east-1'\nlog_retention_days = '7'\n",
            "environments.qa.log_retention_days",
            "valid integer",
        ),
        ("[environments.qa]\nmodel_id = 'x'\n", "environments.qa.region", "required"),
        (
            "[defaults]\nregion = 'us-east-1'\n[defaults.iam]\nrole_path = 'agents'\n[environments.qa]\n",
            "defaults.iam.role_path",
            "start and end with /",
        ),
        (
            "[environments.qa]\nregion = 'us-east-1'\nenvironment = { PATH = '/bin' }\n",
            "environments.qa.environment",
            "AGENT_",
        ),
        (
            "[environments.qa]\nregion = 'us-east-1'\n[environments.qa.lambda]\nmemory = 1\n",
            "memory",
            "Unknown setting",
        ),
    ],
)
def test_settings_file_errors_are_one_line_naming_the_key_before_any_aws_call(
    project, moto, artifact, calls, table, key, problem
):
    (project.root / "environments.toml").write_text(table, encoding="utf-8")
    result = cli(project, moto, "deploy", "-t", "lambda", "--env", "qa", "--yes")
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    error = result.stderr.strip()
    assert len(error.splitlines()) == 1 and error.startswith("Error: ")
    assert key in error and problem in error
    assert calls.made == [] and artifact.builds == []


def test_without_the_file_there_is_only_dev(project, moto, artifact):
    result = cli(project, moto, "deploy", "-t", "lambda", "--env", "staging", "--plan")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "no environments.toml" in result.output and "[environments.staging]" in result.output


def test_agentcore_environments_get_their_own_runtime_and_memory_names(staged, moto, artifact):
    for env in ("dev", "staging"):
        result = cli(staged, moto, "deploy", "-t", "agentcore", "--env", env, "--yes")
        assert result.exit_code == 0, result.output
    control = moto.client("bedrock-agentcore-control")
    runtimes = {rt["agentRuntimeName"] for rt in control.list_agent_runtimes()["agentRuntimes"]}
    assert runtimes == {"demo_agent", "demo_agent_staging"}
    staging = load_state(staged.root, "agentcore", "staging")
    assert staging is not None and staging.resources["runtime"]["name"] == "demo_agent_staging"
    logs = cli(staged, moto, "logs", "-t", "agentcore", "--env", "staging", "--limit", "5")
    assert logs.exit_code == 0, logs.output


def test_each_environment_applies_its_own_iam_guardrails(staged, moto, artifact):
    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    arn = moto.client("iam").create_policy(PolicyName="ProdBoundary", PolicyDocument=policy)["Policy"]["Arn"]
    text = ENVIRONMENTS + (
        f'[environments.prod.iam]\npermissions_boundary = "{arn}"\nrole_path = "/agents/"\n'
        'role_name_prefix = "acme-"\nrequired_tags = { CostCenter = "ai-42" }\n'
    )
    (staged.root / "environments.toml").write_text(text, encoding="utf-8")
    for env in ("staging", "prod"):
        result = cli(staged, moto, "deploy", "-t", "lambda", "--env", env, "--yes")
        assert result.exit_code == 0, result.output
    iam = moto.client("iam")
    prod = iam.get_role(RoleName=f"acme-scaffold-{PROJECT}-prod-lambda")["Role"]
    assert prod["Path"] == "/agents/"
    assert prod["PermissionsBoundary"]["PermissionsBoundaryArn"] == arn
    assert {"Key": "CostCenter", "Value": "ai-42"} in prod["Tags"]
    staging = iam.get_role(RoleName=f"scaffold-{PROJECT}-staging-lambda")["Role"]
    assert staging["Path"] == "/" and "PermissionsBoundary" not in staging
