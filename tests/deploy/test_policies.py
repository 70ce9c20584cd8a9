"""The execution roles the deployer creates are least privilege: read back from IAM (moto) and parsed, every
statement names exact resources, no action has a wildcard, and ``*`` appears only for APIs that accept
nothing else."""

from __future__ import annotations

import pytest

from scaffold.deploy.engine import deploy
from scaffold.deploy.progress import Progress
from scaffold.deploy.state import load_state

ACCOUNT = "123456789012"
#: The only actions allowed on Resource "*": AWS offers no resource-level permission for them.
STAR_ONLY = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "cloudwatch:PutMetricData",
    "ecr:GetAuthorizationToken",
}
BEDROCK = ("model_provider=bedrock", "model_id=us.anthropic.claude-sonnet-4-20250514-v1:0")


def role_documents(moto, project, target):
    deploy(project, target, moto.options, progress=Progress(quiet=True))
    iam = moto.client("iam")
    name = f"scaffold-demo-agent-{target}"
    role = iam.get_role(RoleName=name)["Role"]
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["agent-scaffold-execution"]
    assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []
    policy = iam.get_role_policy(RoleName=name, PolicyName="agent-scaffold-execution")["PolicyDocument"]
    return role["AssumeRolePolicyDocument"], policy


def statements(policy):
    return {statement["Sid"]: statement for statement in policy["Statement"]}


def as_list(value):
    return value if isinstance(value, list) else [value]


def assert_least_privilege(policy):
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        actions, resources = as_list(statement["Action"]), as_list(statement["Resource"])
        assert all("*" not in action for action in actions), statement
        if "*" in resources:
            assert set(actions) <= STAR_ONLY, f"{statement['Sid']} uses * for {actions}"
        for resource in resources:
            assert resource == "*" or resource.startswith("arn:aws:"), resource


def test_lambda_role_only_writes_its_own_log_group(project, moto, artifact):
    trust, policy = role_documents(moto, project, "lambda")

    assert trust["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]
    assert_least_privilege(policy)
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/demo-agent"
    assert statements(policy) == {
        "WriteOwnLogGroup": {
            "Sid": "WriteOwnLogGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [group, f"{group}:log-stream:*"],
        }
    }, "the offline model and file sessions need nothing else"


def test_bedrock_model_is_named_exactly_with_its_inference_profile(make_project, moto, artifact):
    _, policy = role_documents(moto, make_project(*BEDROCK), "lambda")

    assert_least_privilege(policy)
    invoke = statements(policy)["InvokeConfiguredModel"]
    assert invoke["Action"] == ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = invoke["Resource"]
    assert resources[0] == (
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0"
    )
    foundation = resources[1:]
    assert foundation and all(
        arn.startswith("arn:aws:bedrock:us-")
        and arn.endswith("::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0")
        for arn in foundation
    ), foundation


def test_s3_sessions_are_scoped_to_the_bucket_and_prefix(make_project, moto, artifact):
    _, policy = role_documents(moto, make_project("memory=s3", "session_bucket=team-sessions"), "lambda")

    assert_least_privilege(policy)
    found = statements(policy)
    assert found["ReadWriteSessionObjects"]["Action"] == ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    assert found["ReadWriteSessionObjects"]["Resource"] == ["arn:aws:s3:::team-sessions/sessions/*"]
    assert found["ListSessionBucket"]["Resource"] == ["arn:aws:s3:::team-sessions"]
    env = moto.client("lambda").get_function_configuration(FunctionName="demo-agent")["Environment"][
        "Variables"
    ]
    assert (env["AGENT_SESSION_BUCKET"], env["AGENT_SESSION_PREFIX"]) == ("team-sessions", "sessions/")


def test_agentcore_role_is_scoped_to_its_runtime_and_the_memory_it_created(make_project, moto, artifact):
    project = make_project("memory=agentcore", *BEDROCK)
    trust, policy = role_documents(moto, project, "agentcore")

    assert trust["Statement"][0]["Principal"] == {"Service": "bedrock-agentcore.amazonaws.com"}
    assert trust["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT}:*"},
    }
    assert_least_privilege(policy)
    found = statements(policy)
    prefix = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/bedrock-agentcore/runtimes/demo_agent-*"
    assert found["WriteOwnLogGroup"]["Resource"] == [prefix, f"{prefix}:log-stream:*"]
    memory_arn = load_state(project.root, "agentcore").resources["memory"]["arn"]
    assert found["UseSessionMemory"]["Resource"] == [memory_arn], (
        "the exact memory, resolved after creating it"
    )
    assert all(action.startswith("bedrock-agentcore:") for action in found["UseSessionMemory"]["Action"])
    assert "InvokeConfiguredModel" in found
    identity = found["GetOwnWorkloadAccessToken"]["Resource"]
    assert identity[1].endswith(":workload-identity-directory/default/workload-identity/demo_agent-*")


@pytest.mark.parametrize("target", ["agentcore", "lambda"])
def test_otlp_adds_only_the_star_only_apis(make_project, moto, artifact, target):
    _, policy = role_documents(moto, make_project("telemetry=otlp"), target)
    assert_least_privilege(policy)
    stars = [s for s in policy["Statement"] if "*" in as_list(s["Resource"])]
    assert stars and all(set(as_list(s["Action"])) <= STAR_ONLY for s in stars)


def test_a_container_runtime_may_pull_only_its_repository(project, moto, artifact):
    uri = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/team/agent:2024-01"
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + f'\n[tool.scaffold.deploy.agentcore]\ncontainer_uri = "{uri}"\n'
    )
    _, policy = role_documents(moto, project, "agentcore")

    assert_least_privilege(policy)
    found = statements(policy)
    assert found["PullImage"]["Resource"] == [f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/team/agent"]
    assert found["GetRegistryToken"]["Resource"] == ["*"]
    assert artifact.builds == [], "a container deploy builds and uploads no zip"
    runtime_id = load_state(project.root, "agentcore").resources["runtime"]["id"]
    runtime = moto.client("bedrock-agentcore-control").get_agent_runtime(agentRuntimeId=runtime_id)
    assert runtime["agentRuntimeArtifact"] == {"containerConfiguration": {"containerUri": uri}}
