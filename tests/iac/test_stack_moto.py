"""The lambda and fastapi templates deploy on moto's CloudFormation through ``deploy_stack``: created,
then an identical deploy reports no change, then a changed parameter updates the stack.

moto runs as a real server on a loopback port and boto3 talks to it over HTTP. moto lacks some resource
types; ``moto_subset`` removes them and whatever references them, and each test asserts the exact list, so
the gap is stated here (and a moto that closes it fails the assertion):

* lambda: ``AWS::Lambda::Alias`` and ``AWS::Lambda::Url`` (so also the two ``AWS::Lambda::Permission`` on the
  alias, and the ``FunctionUrl``/``AliasArn`` outputs);
* agentcore: ``AWS::BedrockAgentCore::Runtime`` and ``AWS::BedrockAgentCore::Memory``: nothing of that stack
  but its role can be deployed, so it is covered by cfn-lint and the policy tests only;
* every target: ``AWS::CloudWatch::Alarm`` (moto's CloudFormation has no alarms; the alarms' properties are
  checked by cfn-lint and the template tests, and the deployer's own alarms against moto in tests/deploy);
* fastapi: everything else is deployed. moto does not keep every property it is given (the Lambda architecture
  and logging config, the task's runtime platform, the service's launch type and load balancers), so
  only what it keeps is compared; cfn-lint and the template tests check the rest.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from scaffold.iac.cloudformation import build_template
from scaffold.iac.environment import agent_environment
from scaffold.iac.stack import StackFailed, deploy_stack
from tests.support.moto import moto_server

from .moto_subset import moto_subset
from .support import ANSWER_SETS, SHA, artifact_for, lambda_code_zip, make_project

REGION = "us-east-1"
CODE_BUCKET = "pipeline-artifacts"
LAMBDA_GAPS = ["LiveAlias (AWS::Lambda::Alias)", "FunctionUrl (AWS::Lambda::Url)"]
AGENT_ALARMS = ["AlarmToolErrors (AWS::CloudWatch::Alarm)", "AlarmTokens (AWS::CloudWatch::Alarm)"]


def alarm_gaps(*suffixes: str) -> list[str]:
    return [f"Alarm{suffix} (AWS::CloudWatch::Alarm)" for suffix in suffixes] + AGENT_ALARMS


LAMBDA_ALARMS = alarm_gaps("Errors", "Throttles", "LatencyP90")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server(REGION) as url:
        yield url


@pytest.fixture(scope="module")
def aws(endpoint: str) -> Any:
    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=endpoint, region_name=REGION)

    client("s3").create_bucket(Bucket=CODE_BUCKET)
    return client


def all_parameters(template: dict[str, Any], given: dict[str, str]) -> dict[str, str]:
    """Every parameter: its default unless ``given`` (what a pipeline passes from the parameters file)."""
    values = {
        name: str(spec["Default"]) for name, spec in template["Parameters"].items() if "Default" in spec
    }
    return {**values, **given}


def policy_sids(aws: Any, role_arn_part: str) -> list[str]:
    iam = aws("iam")
    (role,) = [r for r in iam.list_roles()["Roles"] if role_arn_part in r["RoleName"]]
    document = iam.get_role_policy(RoleName=role["RoleName"], PolicyName="agent")["PolicyDocument"]
    if isinstance(document, str):  # moto returns a policy created by CloudFormation as a Python repr
        document = ast.literal_eval(document)
    return [statement["Sid"] for statement in document["Statement"]]


@pytest.mark.parametrize(
    "answer_set", ["defaults", "jwt-s3-bedrock-us-otlp", "none-s3-bucket-created-eu-otlp"]
)
def test_lambda_template_deploys_then_reports_no_change_then_updates(aws: Any, answer_set: str) -> None:
    template = build_template(make_project(ANSWER_SETS[answer_set]), "lambda", artifact_for("lambda")).body()
    subset = moto_subset(template)
    # moto's CloudFormation has no AWS::S3::BucketPolicy: the created bucket's TLS-only policy is cut.
    created_bucket = (
        ["SessionBucketPolicy (AWS::S3::BucketPolicy)"] if "SessionBucket" in template["Resources"] else []
    )
    assert subset.unsupported == created_bucket + LAMBDA_GAPS + LAMBDA_ALARMS
    assert subset.dependents == ["FunctionUrlPermission", "FunctionUrlInvokePermission"]
    assert subset.outputs == ["FunctionUrl", "AliasArn"]
    parameters = all_parameters(template, {"CodeBucket": CODE_BUCKET})
    aws("s3").put_object(Bucket=CODE_BUCKET, Key=parameters["CodeKey"], Body=lambda_code_zip())
    cloudformation = aws("cloudformation")
    stack_name = f"lambda-{answer_set}"

    created = deploy_stack(cloudformation, stack_name, subset.template, parameters, poll_seconds=0.05)
    assert (created.outcome, created.status) == ("created", "CREATE_COMPLETE")
    function = aws("lambda").get_function(FunctionName=created.outputs["FunctionArn"])["Configuration"]
    assert (function["Runtime"], function["Handler"]) == (
        "python3.12",
        "demo_agent.entrypoints.lambda_handler.handler",
    )
    expected_env = agent_environment(
        {"project_name": "demo-agent", **make_project(ANSWER_SETS[answer_set]).answers}
    )
    variables = function["Environment"]["Variables"]
    if "SessionBucket" in template["Resources"]:  # created by the stack: the variable names the real bucket
        bucket = variables.pop("AGENT_SESSION_BUCKET")
        assert aws("s3").head_bucket(Bucket=bucket)
    assert variables == expected_env
    sids = [
        s["Sid"]
        for s in template["Resources"]["FunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"][
            "Statement"
        ]
    ]
    assert policy_sids(aws, f"{stack_name}-FunctionRole") == sids
    (group,) = aws("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{stack_name}")["logGroups"]
    assert group["retentionInDays"] == 30

    again = deploy_stack(cloudformation, stack_name, subset.template, parameters, poll_seconds=0.05)
    assert (again.outcome, again.stack_id, again.status) == ("no-change", created.stack_id, "CREATE_COMPLETE")

    changed = deploy_stack(
        cloudformation,
        stack_name,
        subset.template,
        {**parameters, "LogRetentionDays": "14"},
        poll_seconds=0.05,
    )
    assert (changed.outcome, changed.stack_id, changed.status) == (
        "updated",
        created.stack_id,
        "UPDATE_COMPLETE",
    )


def test_fastapi_template_deploys_then_reports_no_change_then_updates(aws: Any) -> None:
    template = build_template(
        make_project(ANSWER_SETS["jwt-s3-bedrock-us-otlp"]), "fastapi", artifact_for("fastapi")
    ).body()
    subset = moto_subset(template)
    alarms = alarm_gaps("Errors", "LbErrors", "Throttles", "LatencyP90")
    assert (subset.unsupported, subset.dependents, subset.outputs) == (alarms, [], [])
    ec2 = aws("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = [
        s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    ]
    parameters = all_parameters(
        template,
        {
            "VpcId": vpc,
            "LoadBalancerSubnetIds": ",".join(subnets[:2]),
            "ServiceSubnetIds": ",".join(subnets[:2]),
            "ImageRepository": "teams/demo-agent",
            "AllowHttp": "true",  # plain HTTP by explicit opt-in; HTTPS is tested in tests/deploy
        },
    )
    cloudformation = aws("cloudformation")

    created = deploy_stack(cloudformation, "fastapi-demo", subset.template, parameters, poll_seconds=0.05)
    assert (created.outcome, created.status) == ("created", "CREATE_COMPLETE")
    assert created.outputs["URL"].startswith("http://") and created.outputs["URL"].endswith(
        ".elb.amazonaws.com"
    )
    ecs = aws("ecs")
    (cluster,) = ecs.list_clusters()["clusterArns"]
    (service,) = ecs.describe_services(
        cluster=cluster, services=ecs.list_services(cluster=cluster)["serviceArns"]
    )["services"]
    assert service["desiredCount"] == 1  # moto keeps only cluster, task definition and count of a service
    task = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    (container,) = task["containerDefinitions"]
    assert container["image"] == f"123456789012.dkr.ecr.{REGION}.amazonaws.com/teams/demo-agent:{SHA[:16]}"
    assert (container["user"], container["portMappings"][0]["containerPort"]) == ("10001:10001", 8000)
    assert {"name": "AGENT_AUTH", "value": "jwt"} in container["environment"]
    assert "/ping" in container["healthCheck"]["command"][-1]
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/ecs/fastapi-demo"
    elb = aws("elbv2")
    (target_group,) = elb.describe_target_groups()["TargetGroups"]
    assert (target_group["HealthCheckPath"], target_group["Port"], target_group["TargetType"]) == (
        "/ping",
        8000,
        "ip",
    )
    (balancer,) = elb.describe_load_balancers()["LoadBalancers"]
    (listener,) = elb.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    assert (listener["Port"], listener["Protocol"]) == (80, "HTTP")  # no CertificateArn, AllowHttp=true
    assert policy_sids(aws, "fastapi-demo-TaskRole") == [
        "InvokeConfiguredModel",
        "ReadWriteSessionObjects",
        "ListSessionBucket",
        "ApplyConfiguredGuardrail",
        "ExportTraces",
    ]

    again = deploy_stack(cloudformation, "fastapi-demo", subset.template, parameters, poll_seconds=0.05)
    assert (again.outcome, again.stack_id) == ("no-change", created.stack_id)

    changed = deploy_stack(
        cloudformation,
        "fastapi-demo",
        subset.template,
        {**parameters, "DesiredCount": "2"},
        poll_seconds=0.05,
    )
    assert (changed.outcome, changed.status) == ("updated", "UPDATE_COMPLETE")
    (service,) = ecs.describe_services(cluster=cluster, services=[service["serviceArn"]])["services"]
    assert service["desiredCount"] == 2


def test_agentcore_stack_is_beyond_moto(aws: Any) -> None:
    """Stated, not deployed: moto implements neither AgentCore resource type (nor alarms)."""
    alarms = alarm_gaps("Errors", "UserErrors", "Throttles", "LatencyP90")
    for answer_set, gaps in (
        ("defaults", ["Runtime (AWS::BedrockAgentCore::Runtime)", *alarms]),
        (
            "iam-agentcore-memory-created-bedrock-model",
            [
                "SessionMemory (AWS::BedrockAgentCore::Memory)",
                "Runtime (AWS::BedrockAgentCore::Runtime)",
                *alarms,
            ],
        ),
    ):
        template = build_template(
            make_project(ANSWER_SETS[answer_set]), "agentcore", artifact_for("agentcore")
        ).body()
        assert moto_subset(template).unsupported == gaps


def test_a_refused_create_is_a_stack_failure(aws: Any) -> None:
    template = moto_subset(build_template(make_project(), "lambda", artifact_for("lambda")).body()).template
    with pytest.raises(StackFailed, match="refused to create"):
        deploy_stack(
            aws("cloudformation"), "no-bucket", template, {}, poll_seconds=0.05
        )  # CodeBucket missing
