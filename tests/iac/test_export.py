"""``export``: the files it writes, the shape of each target's template, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scaffold.cli import cli
from scaffold.errors import BadInput, TargetNotEnabled
from scaffold.iac.cloudformation import build_template, export
from scaffold.project import load_project

from .support import ANSWER_SETS, DISCOVERY_URL, SHA, artifact_for, make_project

KEY = f"demo-agent/lambda/{SHA}.zip"


def body(target: str, answer_set: str = "defaults", **artifact: Any) -> dict[str, Any]:
    project = make_project(ANSWER_SETS[answer_set])
    return build_template(project, target, artifact_for(target, **artifact)).body()


def test_export_writes_the_template_and_the_known_parameter_values(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    written = export(make_project(), "lambda", out, artifact_for("lambda"))
    assert written == [out / "demo-agent-lambda.template.json", out / "demo-agent-lambda.parameters.json"]
    assert json.loads(written[1].read_text()) == [{"ParameterKey": "CodeKey", "ParameterValue": KEY}]
    assert json.loads(written[0].read_text())["Parameters"]["CodeKey"]["Default"] == KEY


def test_lambda_function_follows_the_artifact() -> None:
    template = body("lambda", arch="x86_64", python_version="3.13")
    function = template["Resources"]["Function"]["Properties"]
    assert function["Architectures"] == ["x86_64"]
    assert function["Runtime"] == "python3.13"
    assert function["Handler"] == "demo_agent.entrypoints.lambda_handler.handler"
    assert function["Code"] == {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Ref": "CodeKey"}}
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": "LogGroup"}
    assert template["Resources"]["LogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert template["Resources"]["LiveAlias"]["Properties"]["Name"] == "live"
    assert set(template["Outputs"]) >= {"FunctionUrl", "FunctionArn"}


@pytest.mark.parametrize(
    ("answer_set", "auth_type", "permissions"),
    [
        ("defaults", "NONE", {"FunctionUrlPermission", "FunctionUrlInvokePermission"}),
        ("jwt-s3-bedrock-us-otlp", "NONE", {"FunctionUrlPermission", "FunctionUrlInvokePermission"}),
        ("iam-agentcore-memory-created-bedrock-model", "AWS_IAM", {"FunctionUrlPermission"}),
    ],
)
def test_lambda_url_auth_follows_the_auth_answer(
    answer_set: str, auth_type: str, permissions: set[str]
) -> None:
    resources = body("lambda", answer_set)["Resources"]
    url = resources["FunctionUrl"]
    assert url["Properties"]["AuthType"] == auth_type
    assert url["Properties"]["Qualifier"] == "live"
    assert {name for name, r in resources.items() if r["Type"] == "AWS::Lambda::Permission"} == permissions
    assert resources["FunctionUrlPermission"]["Properties"]["FunctionUrlAuthType"] == auth_type
    if answer_set.startswith("jwt"):
        assert "JWT check" in url["Metadata"]["AuthNote"]


def test_agentcore_runtime_uses_the_schema_properties() -> None:
    runtime = body("agentcore", "jwt-s3-bedrock-us-otlp")["Resources"]["Runtime"]["Properties"]
    assert runtime["AgentRuntimeArtifact"] == {
        "CodeConfiguration": {
            "Code": {"S3": {"Bucket": {"Ref": "CodeBucket"}, "Prefix": {"Ref": "CodeKey"}}},
            "EntryPoint": ["agentcore_main.py"],
            "Runtime": "PYTHON_3_12",
        }
    }
    assert runtime["AuthorizerConfiguration"] == {
        "CustomJWTAuthorizer": {
            "DiscoveryUrl": DISCOVERY_URL,
            "AllowedClients": ["web-client", "cli-client"],
            "AllowedScopes": ["agent/invoke"],
        }
    }
    assert runtime["RequestHeaderConfiguration"] == {"RequestHeaderAllowlist": ["Authorization"]}
    assert runtime["NetworkConfiguration"] == {"NetworkMode": "PUBLIC"}
    assert runtime["ProtocolConfiguration"] == "HTTP"
    assert runtime["EnvironmentVariables"]["AGENT_AUTH"] == "jwt"


def test_agentcore_with_iam_keeps_sigv4_and_splits_an_instrumented_entry_point() -> None:
    template = body(
        "agentcore",
        "iam-agentcore-memory-created-bedrock-model",
        entrypoint="opentelemetry-instrument agentcore_main.py",
    )
    runtime = template["Resources"]["Runtime"]["Properties"]
    assert "AuthorizerConfiguration" not in runtime
    assert runtime["AgentRuntimeArtifact"]["CodeConfiguration"]["EntryPoint"] == [
        "opentelemetry-instrument",
        "agentcore_main.py",
    ]
    assert template["Resources"]["SessionMemory"]["Type"] == "AWS::BedrockAgentCore::Memory"
    assert runtime["EnvironmentVariables"]["AGENT_MEMORY_ID"] == {"Fn::GetAtt": ["SessionMemory", "MemoryId"]}
    assert "AgentRuntimeArn" in template["Outputs"]


def test_a_given_memory_or_bucket_is_used_rather_than_created() -> None:
    memory = body("agentcore", "jwt-agentcore-memory-given-global-otlp")
    assert "SessionMemory" not in memory["Resources"]
    assert memory["Resources"]["Runtime"]["Properties"]["EnvironmentVariables"]["AGENT_MEMORY_ID"] == (
        "demo_agent_mem-AbCdE12345"
    )
    created = body("lambda", "none-s3-bucket-created-eu-otlp")["Resources"]
    assert created["SessionBucket"]["Type"] == "AWS::S3::Bucket"
    assert created["Function"]["Properties"]["Environment"]["Variables"]["AGENT_SESSION_BUCKET"] == {
        "Ref": "SessionBucket"
    }
    assert "SessionBucket" not in body("lambda", "jwt-s3-bedrock-us-otlp")["Resources"]


def test_fastapi_task_definition() -> None:
    template = body("fastapi", "jwt-s3-bedrock-us-otlp")
    task = template["Resources"]["TaskDefinition"]["Properties"]
    (container,) = task["ContainerDefinitions"]
    assert task["RuntimePlatform"] == {"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"}
    assert task["RequiresCompatibilities"] == ["FARGATE"] and task["NetworkMode"] == "awsvpc"
    assert container["PortMappings"] == [{"ContainerPort": 8000, "Protocol": "tcp"}]
    assert container["User"] == {"Ref": "ContainerUser"}
    assert template["Parameters"]["ContainerUser"]["Default"] == "10001:10001"
    assert "/ping" in container["HealthCheck"]["Command"][-1]
    assert container["LogConfiguration"]["LogDriver"] == "awslogs"
    assert {"Name": "AGENT_AUTH", "Value": "jwt"} in container["Environment"]
    assert template["Parameters"]["ImageTag"]["Default"] == SHA[:16]
    target_group = template["Resources"]["TargetGroup"]["Properties"]
    assert (target_group["HealthCheckPath"], target_group["Port"], target_group["TargetType"]) == (
        "/ping",
        8000,
        "ip",
    )
    ingress = template["Resources"]["ServiceSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert ingress == [
        {
            "Description": "The load balancer to the agent's port",
            "IpProtocol": "tcp",
            "FromPort": 8000,
            "ToPort": 8000,
            "SourceSecurityGroupId": {"Fn::GetAtt": ["LoadBalancerSecurityGroup", "GroupId"]},
        }
    ]
    assert "URL" in template["Outputs"]


def test_fastapi_x86_64_and_file_sessions_under_tmp() -> None:
    template = body("fastapi", arch="amd64")
    task = template["Resources"]["TaskDefinition"]["Properties"]
    assert task["RuntimePlatform"]["CpuArchitecture"] == "X86_64"
    assert {"Name": "AGENT_SESSION_DIR", "Value": "/tmp/sessions"} in task["ContainerDefinitions"][0][
        "Environment"
    ]


@pytest.mark.parametrize(
    ("target", "answers", "artifact", "error", "match"),
    [
        ("local", {}, {}, BadInput, "no CloudFormation export"),
        ("fastapi", {"auth": "iam"}, {}, BadInput, "auth=iam cannot protect"),
        ("agentcore", {}, {"arch": "x86_64"}, BadInput, "arm64 only"),
        ("lambda", {}, {"python_version": "3.9"}, BadInput, "no Python 3.9"),
        ("lambda", {}, {"arch": "sparc"}, BadInput, "architecture"),
        ("agentcore", {"auth": "jwt", "jwt_discovery_url": "https://x"}, {}, BadInput, "jwt_discovery_url"),
    ],
)
def test_refusals(
    target: str, answers: dict[str, str], artifact: dict[str, str], error: type, match: str
) -> None:
    fields = {"entrypoint": "agentcore_main.py", **artifact}
    with pytest.raises(error, match=match):
        build_template(make_project(answers), target, artifact_for("lambda", **fields))


def test_a_target_the_project_lacks_is_refused() -> None:
    with pytest.raises(TargetNotEnabled):
        build_template(make_project(targets=["local", "lambda"]), "fastapi", artifact_for("fastapi"))


def test_export_from_a_really_generated_project(tmp_path: Path) -> None:
    """The answers file ``scaffold new`` writes is what ``export`` reads (real copier, not a dict)."""
    args = ["new", "real-agent", "--defaults", "--target", "lambda", "--target", "fastapi"]
    args += [
        "--data",
        "memory=s3",
        "--data",
        "session_bucket=real-sessions",
        "--data",
        "model_provider=bedrock",
    ]
    runner = CliRunner()
    with runner.isolated_filesystem(temp_dir=tmp_path):
        outcome = runner.invoke(cli, args, catch_exceptions=False)
        assert outcome.exit_code == 0, outcome.output
        project = load_project(Path("real-agent").resolve())
    written = export(
        project,
        "lambda",
        tmp_path / "out",
        artifact_for("lambda", entrypoint="real_agent.entrypoints.lambda_handler.handler"),
    )
    template = json.loads(written[0].read_text())
    env = template["Resources"]["Function"]["Properties"]["Environment"]["Variables"]
    assert env["AGENT_SESSION_BUCKET"] == "real-sessions"
    assert env["AGENT_MODEL_ID"] == "us.anthropic.claude-sonnet-4-20250514-v1:0"
    assert written[0].name == "real-agent-lambda.template.json"


def test_snapstart_applies_to_the_published_version_the_alias_serves() -> None:
    resources = body("lambda", "lambda-snapstart")["Resources"]
    assert resources["Function"]["Properties"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert resources["LiveAlias"]["Properties"]["FunctionVersion"] == {
        "Fn::GetAtt": ["FunctionVersion", "Version"]
    }
    assert "SnapStart" not in body("lambda")["Resources"]["Function"]["Properties"]  # off unless answered


def test_a_streaming_function_runs_behind_the_web_adapter_and_its_url_streams() -> None:
    resources = body("lambda", "lambda-streaming-jwt", entrypoint="run.sh")["Resources"]
    function = resources["Function"]["Properties"]
    assert function["Handler"] == "run.sh"
    layer = "arn:${AWS::Partition}:lambda:${AWS::Region}:753240598075:layer:LambdaAdapterLayerArm64:25"
    assert function["Layers"] == [{"Fn::Sub": layer}]
    variables = function["Environment"]["Variables"]
    assert variables["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/bootstrap"
    assert variables["AWS_LWA_INVOKE_MODE"] == "response_stream"
    assert resources["FunctionUrl"]["Properties"]["InvokeMode"] == "RESPONSE_STREAM"
    assert body("lambda")["Resources"]["FunctionUrl"]["Properties"]["InvokeMode"] == "BUFFERED"
