"""The generated IAM policies are least privilege: parsed from the exported templates and from the API the
deployers call, every statement is checked for wildcard actions, ``*`` resources and the exact ARNs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from scaffold.errors import BadInput
from scaffold.iac.bedrock import GEOGRAPHY_REGIONS, model_arns
from scaffold.iac.cloudformation import BUILDERS, build_template
from scaffold.iac.policies import execution_policy, task_execution_policy

from .support import (
    ANSWER_SETS,
    STAR_ONLY_ACTIONS,
    artifact_for,
    as_list,
    exportable,
    make_project,
    resources_of,
    statements,
    text,
)

CASES = [
    pytest.param(target, name, id=f"{target}-{name}")
    for target in sorted(BUILDERS)
    for name in ANSWER_SETS
    if exportable(target, name)
]
PARTITION, REGION, ACCOUNT = "${AWS::Partition}", "${AWS::Region}", "${AWS::AccountId}"
INVOKE = "bedrock:InvokeModel"
AGENT_ROLE = {"lambda": "FunctionRole", "agentcore": "RuntimeRole", "fastapi": "TaskRole"}


def template_for(target: str, answer_set: str) -> dict[str, Any]:
    return build_template(make_project(ANSWER_SETS[answer_set]), target, artifact_for(target)).body()


@pytest.mark.parametrize(("target", "answer_set"), CASES)
def test_no_wildcard_actions_and_star_resources_only_where_the_api_requires_it(
    target: str, answer_set: str
) -> None:
    found = statements(template_for(target, answer_set))
    assert found, "every template has at least one role with a policy"
    for statement in found:
        actions = as_list(statement["Action"])
        assert statement["Effect"] == "Allow"
        assert actions and all("*" not in action for action in actions), statement
        assert "NotAction" not in statement and "NotResource" not in statement
        resources = [text(resource) for resource in as_list(statement["Resource"])]
        if "*" in resources:
            assert resources == ["*"] and set(actions) <= STAR_ONLY_ACTIONS, statement


def _foundation(region: str, model: str) -> str:
    return f"arn:{PARTITION}:bedrock:{region}::foundation-model/{model}"


def _profile(model_id: str) -> str:
    return f"arn:{PARTITION}:bedrock:{REGION}:{ACCOUNT}:inference-profile/{model_id}"


EXPECTED_MODEL_ARNS = {
    "jwt-s3-bedrock-us-otlp": [
        _profile("us.anthropic.claude-sonnet-4-20250514-v1:0"),
        *(
            _foundation(region, "anthropic.claude-sonnet-4-20250514-v1:0")
            for region in ("us-east-1", "us-east-2", "us-west-1", "us-west-2")
        ),
    ],
    "iam-agentcore-memory-created-bedrock-model": [
        _foundation(REGION, "anthropic.claude-3-haiku-20240307-v1:0"),
    ],
    "jwt-agentcore-memory-given-global-otlp": [
        _profile("global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        _foundation(REGION, "anthropic.claude-sonnet-4-5-20250929-v1:0"),
        _foundation("", "anthropic.claude-sonnet-4-5-20250929-v1:0"),
    ],
    "none-s3-bucket-created-eu-otlp": [
        _profile("eu.anthropic.claude-3-7-sonnet-20250219-v1:0"),
        *(
            _foundation(region, "anthropic.claude-3-7-sonnet-20250219-v1:0")
            for region in GEOGRAPHY_REGIONS["eu"]
        ),
    ],
}


@pytest.mark.parametrize(("target", "answer_set"), CASES)
def test_bedrock_resources_are_exactly_the_configured_model_and_absent_otherwise(
    target: str, answer_set: str
) -> None:
    template = template_for(target, answer_set)
    invoke_statements = [s for s in statements(template) if INVOKE in as_list(s["Action"])]
    expected = EXPECTED_MODEL_ARNS.get(answer_set)
    if expected is None:  # offline or a non-AWS provider: no model permission at all
        assert invoke_statements == []
        assert not any(
            action.startswith("bedrock:Invoke") for s in statements(template) for action in s["Action"]
        )
        return
    assert len(invoke_statements) == 1
    assert sorted(as_list(invoke_statements[0]["Action"])) == [
        INVOKE,
        "bedrock:InvokeModelWithResponseStream",
    ]
    assert resources_of(template, INVOKE, AGENT_ROLE[target]) == expected


@pytest.mark.parametrize(("target", "answer_set"), CASES)
def test_s3_access_is_limited_to_the_session_prefix_of_one_bucket(target: str, answer_set: str) -> None:
    template = template_for(target, answer_set)
    s3 = [s for s in statements(template) if any(action.startswith("s3:") for action in s["Action"])]
    if ANSWER_SETS[answer_set].get("memory") != "s3":
        assert s3 == []
        return
    bucket = ANSWER_SETS[answer_set].get("session_bucket") or "${SessionBucket}"
    bucket_arn = f"arn:{PARTITION}:s3:::{bucket}"
    by_action = {action: [text(r) for r in as_list(s["Resource"])] for s in s3 for action in s["Action"]}
    assert by_action == {
        "s3:GetObject": [f"{bucket_arn}/sessions/*"],
        "s3:PutObject": [f"{bucket_arn}/sessions/*"],
        "s3:DeleteObject": [f"{bucket_arn}/sessions/*"],
        "s3:ListBucket": [bucket_arn],
    }
    # Listing is the bucket's, without a prefix condition: S3 answers a missing session with 404 (what the
    # runtime expects) only to a caller that may list the bucket (see scaffold/iac/policies.py).
    assert all("Condition" not in statement for statement in s3)


LOG_GROUPS = f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:"
OWN_LOG_GROUP = {
    "lambda": LOG_GROUPS + "${LogGroup}",
    "fastapi": LOG_GROUPS + "${LogGroup}",
    "agentcore": LOG_GROUPS + "/aws/bedrock-agentcore/runtimes/${RuntimeName}-*",
}


@pytest.mark.parametrize(("target", "answer_set"), CASES)
def test_logs_are_limited_to_the_own_log_group(target: str, answer_set: str) -> None:
    group = OWN_LOG_GROUP[target]
    for statement in statements(template_for(target, answer_set)):
        if not any(action.startswith("logs:") for action in statement["Action"]):
            continue
        resources = [text(resource) for resource in as_list(statement["Resource"])]
        if statement["Action"] == ["logs:DescribeLogGroups"]:  # a list call: only log-group:* is accepted
            assert target == "agentcore" and resources == [
                f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:*"
            ]
        else:
            assert resources == [group, f"{group}:log-stream:*"], statement


def test_fastapi_task_role_writes_no_logs_and_the_execution_role_pulls_one_repository() -> None:
    template = template_for("fastapi", "jwt-s3-bedrock-us-otlp")
    task_actions = {action for s in statements(template, "TaskRole") for action in s["Action"]}
    assert not any(action.startswith(("logs:", "ecr:")) for action in task_actions)
    repository = f"arn:{PARTITION}:ecr:{REGION}:{ACCOUNT}:repository/${{ImageRepository}}"
    for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"):
        assert resources_of(template, action, "ExecutionRole") == [repository]
    assert resources_of(template, "ecr:GetAuthorizationToken", "ExecutionRole") == ["*"]


@pytest.mark.parametrize(
    ("answer_set", "memory_arn"),
    [
        (
            "jwt-agentcore-memory-given-global-otlp",
            f"arn:{PARTITION}:bedrock-agentcore:{REGION}:{ACCOUNT}:memory/demo_agent_mem-AbCdE12345",
        ),
        ("iam-agentcore-memory-created-bedrock-model", "${SessionMemory.MemoryArn}"),
    ],
)
@pytest.mark.parametrize("target", ["agentcore", "lambda"])
def test_agentcore_memory_access_names_the_one_memory(target: str, answer_set: str, memory_arn: str) -> None:
    template = template_for(target, answer_set)
    for action in ("bedrock-agentcore:CreateEvent", "bedrock-agentcore:ListEvents"):
        assert resources_of(template, action) == [memory_arn]


def test_the_guardrail_permission_names_the_one_guardrail() -> None:
    template = template_for("lambda", "jwt-s3-bedrock-us-otlp")
    assert resources_of(template, "bedrock:ApplyGuardrail") == [
        f"arn:{PARTITION}:bedrock:{REGION}:{ACCOUNT}:guardrail/gr7example"
    ]


# --- the function API the deployers call with literal values -----------------------------------------------

LITERAL = {"region": "eu-west-1", "account": "123456789012"}
LAMBDA_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/demo-agent"


def test_execution_policy_with_literal_values_is_exact() -> None:
    answers = {
        "model_provider": "bedrock",
        "model_id": "anthropic.claude-3-haiku-20240307-v1:0",
        "memory": "agentcore",
        "memory_id": "mem-AbCdE12345",
    }
    policy = execution_policy(answers, target="lambda", log_group_arn=LAMBDA_GROUP + ":*", **LITERAL)
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "WriteOwnLogGroup",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [LAMBDA_GROUP, f"{LAMBDA_GROUP}:log-stream:*"],
            },
            {
                "Sid": "InvokeConfiguredModel",
                "Effect": "Allow",
                "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                "Resource": [
                    "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
                ],
            },
            {
                "Sid": "UseSessionMemory",
                "Effect": "Allow",
                "Action": [
                    "bedrock-agentcore:CreateEvent",
                    "bedrock-agentcore:GetEvent",
                    "bedrock-agentcore:ListEvents",
                    "bedrock-agentcore:DeleteEvent",
                    "bedrock-agentcore:RetrieveMemoryRecords",
                ],
                "Resource": ["arn:aws:bedrock-agentcore:eu-west-1:123456789012:memory/mem-AbCdE12345"],
            },
        ],
    }


def test_offline_file_project_needs_nothing_but_its_log_group() -> None:
    policy = execution_policy({}, target="lambda", log_group_arn=LAMBDA_GROUP, **LITERAL)
    assert [s["Sid"] for s in policy["Statement"]] == ["WriteOwnLogGroup"]
    assert execution_policy({}, target="fastapi", log_group_arn=None, **LITERAL)["Statement"] == []


@pytest.mark.parametrize(
    ("answers", "needs"),
    [
        ({"memory": "s3"}, "session_bucket"),
        ({"memory": "agentcore"}, "memory_id"),
        ({"model_provider": "bedrock", "model_id": ""}, "model_id"),
        ({"guardrails": "bedrock"}, "guardrail_id"),
    ],
)
def test_a_missing_resource_answer_is_refused_rather_than_widened(
    answers: dict[str, str], needs: str
) -> None:
    with pytest.raises(BadInput, match=needs):
        execution_policy(answers, target="lambda", log_group_arn=LAMBDA_GROUP, **LITERAL)


@mock_aws
def test_generated_documents_are_valid_iam_policies() -> None:
    """IAM's own validation (as moto implements it) accepts every document the deployers would create."""
    iam = boto3.client("iam", region_name="us-east-1")
    answers = ANSWER_SETS["jwt-s3-bedrock-us-otlp"]
    documents = {
        "lambda": execution_policy(answers, target="lambda", log_group_arn=LAMBDA_GROUP, **LITERAL),
        "agentcore": execution_policy(
            answers,
            target="agentcore",
            log_group_arn="arn:aws:logs:eu-west-1:123456789012:log-group:/aws/bedrock-agentcore/runtimes/demo-*",
            runtime_name="demo_agent",
            **LITERAL,
        ),
        "ecs": task_execution_policy(
            log_group_arn="arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/demo",
            repository_arn="arn:aws:ecr:eu-west-1:123456789012:repository/demo-agent",
            **LITERAL,
        ),
    }
    for name, document in documents.items():
        iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))


# --- model ARNs ---------------------------------------------------------------------------------------------


def test_model_arns_for_each_shape_of_model_id() -> None:
    where = {"region": "us-east-2", "account": "111122223333"}
    assert model_arns("amazon.nova-pro-v1:0", **where) == [
        "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0"
    ]
    assert model_arns("apac.amazon.nova-pro-v1:0", **where)[0] == (
        "arn:aws:bedrock:us-east-2:111122223333:inference-profile/apac.amazon.nova-pro-v1:0"
    )
    assert model_arns("us-gov.anthropic.claude-3-haiku-20240307-v1:0", partition="aws-us-gov", **where)[
        1:
    ] == [
        "arn:aws-us-gov:bedrock:us-gov-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
        "arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
    ]
    application_profile = "arn:aws:bedrock:us-east-2:111122223333:application-inference-profile/abc123"
    assert model_arns(application_profile, **where) == [application_profile]
    with pytest.raises(ValueError):
        model_arns("  ", **where)


def test_exported_policies_round_trip_through_json(tmp_path: Path) -> None:
    """The templates are plain data: what the tests inspect is what ``export`` writes."""
    from scaffold.iac.cloudformation import export

    project = make_project(ANSWER_SETS["jwt-s3-bedrock-us-otlp"])
    (path, *_) = export(project, "lambda", tmp_path, artifact_for("lambda"))
    assert json.loads(path.read_text()) == build_template(project, "lambda", artifact_for("lambda")).body()
