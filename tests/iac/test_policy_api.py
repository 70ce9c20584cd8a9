"""The policy API the deployers call with literal values (region, account, ARNs), and ``model_arns``."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from scaffold.errors import BadInput
from scaffold.iac.bedrock import model_arns
from scaffold.iac.policies import execution_policy, task_execution_policy

from .support import ANSWER_SETS

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
