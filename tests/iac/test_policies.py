"""The generated IAM policies are least privilege: parsed from the exported templates, every statement is
checked for wildcard actions, ``*`` resources and the exact ARNs (the literal-value API: test_policy_api)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scaffold.iac.bedrock import GEOGRAPHY_REGIONS
from scaffold.iac.cloudformation import BUILDERS, build_template, export

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


def test_exported_policies_round_trip_through_json(tmp_path: Path) -> None:
    """The templates are plain data: what the tests inspect is what ``export`` writes."""
    project = make_project(ANSWER_SETS["jwt-s3-bedrock-us-otlp"])
    (path, *_) = export(project, "lambda", tmp_path, artifact_for("lambda"))
    assert json.loads(path.read_text()) == build_template(project, "lambda", artifact_for("lambda")).body()
