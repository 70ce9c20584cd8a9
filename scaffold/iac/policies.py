"""Least-privilege IAM policies for a deployed agent, from the project's answers.

Every permission is there because an answer needs it, on the narrowest resource the API accepts:

* logs: the function's or runtime's own log group (and its streams), never another group;
* models: ``bedrock:InvokeModel*`` on the exact ARNs of the configured ``model_id`` (``bedrock.model_arns``),
  only for the ``bedrock`` provider (the offline model calls nothing; other providers use API keys);
* sessions: ``s3`` objects under the session prefix of the one bucket (and listing that bucket, see
  ``_s3_sessions``), or the event APIs of the one AgentCore Memory;
* guardrails: ``bedrock:ApplyGuardrail`` on the one guardrail;
* telemetry ``otlp``: X-Ray writes, whose APIs accept no resource but ``*``;
* images (``task_execution_policy``): pull from the one repository; ``ecr:GetAuthorizationToken`` is the
  one ECR call that only accepts ``*``.

No statement has a wildcard action. ARN parts are strings: literal values from a deployer, or
``${AWS::Region}``-style placeholders that the CloudFormation builders wrap in ``Fn::Sub``. Per-target and
per-answer differences are tables, not ``if target ==`` branches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import BadInput
from .bedrock import INVOKE_ACTIONS, model_arns
from .environment import answer, session_prefix

Statement = dict[str, Any]
PolicyDocument = dict[str, Any]
POLICY_VERSION = "2012-10-17"
ALL_RESOURCES = "*"  # only for the APIs that accept nothing else; each use says which


@dataclass(frozen=True)
class Scope:
    """Where the role runs: the ARN parts and the resources created next to it (bucket, memory, runtime)."""

    target: str
    region: str
    account: str
    partition: str = "aws"
    log_group_arn: str | None = None
    session_bucket: str | None = None
    memory_arn: str | None = None
    runtime_name: str | None = None

    def arn(self, service: str, resource: str, *, region: str | None = None) -> str:
        region = self.region if region is None else region
        return f"arn:{self.partition}:{service}:{region}:{self.account}:{resource}"


def statement(
    sid: str, actions: list[str], resources: list[str], condition: Mapping[str, Any] | None = None
) -> Statement:
    """One ``Allow`` statement; ``sid`` says why it exists."""
    body: Statement = {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
    if condition:
        body["Condition"] = dict(condition)
    return body


def document(statements: list[Statement]) -> PolicyDocument:
    return {"Version": POLICY_VERSION, "Statement": statements}


# --- logs -----------------------------------------------------------------------------------------------

# What each target's role does with its log group. Lambda's group is created by the template; AgentCore
# creates its runtime's group itself on first start, so it also needs to create and describe it.
_LOG_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "lambda": ("logs:CreateLogStream", "logs:PutLogEvents"),
    "agentcore": (
        "logs:CreateLogGroup",
        "logs:DescribeLogStreams",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ),
    "fastapi": ("logs:CreateLogStream", "logs:PutLogEvents"),
}


def _logs(scope: Scope) -> list[Statement]:
    if not scope.log_group_arn:
        return []
    group = scope.log_group_arn.removesuffix(":*")
    actions = list(_LOG_ACTIONS.get(scope.target, _LOG_ACTIONS["lambda"]))
    return [statement("WriteOwnLogGroup", actions, [group, f"{group}:log-stream:*"])]


# --- what the answers call --------------------------------------------------------------------------------


def _bedrock_model(answers: Mapping[str, Any], scope: Scope) -> list[Statement]:
    model_id = answer(answers, "model_id")
    if not model_id:
        raise BadInput("model_provider=bedrock needs a model_id to scope bedrock:InvokeModel to.")
    arns = model_arns(model_id, region=scope.region, account=scope.account, partition=scope.partition)
    return [statement("InvokeConfiguredModel", list(INVOKE_ACTIONS), arns)]


def _s3_sessions(answers: Mapping[str, Any], scope: Scope) -> list[Statement]:
    bucket = scope.session_bucket or answer(answers, "session_bucket")
    if not bucket:
        raise BadInput("memory=s3 needs a session_bucket (answer it, or let the template create the bucket).")
    prefix = session_prefix(answers)
    bucket_arn = f"arn:{scope.partition}:s3:::{bucket}"
    return [
        statement(
            "ReadWriteSessionObjects",
            ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            [f"{bucket_arn}/{prefix}*"],
        ),
        # Unconditional on purpose: S3 answers a read of a missing key with 403 instead of 404 unless the
        # caller may list the bucket, and a condition on s3:prefix does not hold for that check (a GetObject
        # has no prefix). Strands' S3SessionManager tells a new session from an existing one by that 404.
        # Object reads and writes stay under the prefix; a bucket the stack creates holds only sessions.
        statement("ListSessionBucket", ["s3:ListBucket"], [bucket_arn]),
    ]


# The data-plane calls bedrock-agentcore's Strands session manager makes (events; records for long-term).
MEMORY_ACTIONS = (
    "bedrock-agentcore:CreateEvent",
    "bedrock-agentcore:GetEvent",
    "bedrock-agentcore:ListEvents",
    "bedrock-agentcore:DeleteEvent",
    "bedrock-agentcore:RetrieveMemoryRecords",
)


def _agentcore_sessions(answers: Mapping[str, Any], scope: Scope) -> list[Statement]:
    memory_arn = scope.memory_arn
    if not memory_arn:
        memory_id = answer(answers, "memory_id")
        if not memory_id:
            raise BadInput("memory=agentcore needs a memory_id (answer it, or let the template create one).")
        memory_arn = (
            memory_id
            if memory_id.startswith("arn:")
            else scope.arn("bedrock-agentcore", f"memory/{memory_id}")
        )
    return [statement("UseSessionMemory", list(MEMORY_ACTIONS), [memory_arn])]


def _bedrock_guardrail(answers: Mapping[str, Any], scope: Scope) -> list[Statement]:
    guardrail = answer(answers, "guardrail_id")
    if not guardrail:
        raise BadInput("guardrails=bedrock needs a guardrail_id to scope bedrock:ApplyGuardrail to.")
    arn = guardrail if guardrail.startswith("arn:") else scope.arn("bedrock", f"guardrail/{guardrail}")
    return [statement("ApplyConfiguredGuardrail", ["bedrock:ApplyGuardrail"], [arn])]


def _otlp(answers: Mapping[str, Any], scope: Scope) -> list[Statement]:
    # X-Ray's write and sampling APIs have no resource types: "*" is the only resource they accept.
    actions = [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
    ]
    return [statement("ExportTraces", actions, [ALL_RESOURCES])]


_Section = Callable[[Mapping[str, Any], Scope], list[Statement]]

# (answer, value, its default when unanswered) -> the statements that value needs.
_ANSWER_STATEMENTS: Mapping[tuple[str, str], _Section] = {
    ("model_provider", "bedrock"): _bedrock_model,
    ("memory", "s3"): _s3_sessions,
    ("memory", "agentcore"): _agentcore_sessions,
    ("guardrails", "bedrock"): _bedrock_guardrail,
    ("telemetry", "otlp"): _otlp,
}
_ANSWER_DEFAULTS: Mapping[str, str] = {
    "model_provider": "offline",
    "memory": "file",
    "guardrails": "none",
    "telemetry": "none",
}


# --- per target ---------------------------------------------------------------------------------------------


def _agentcore_runtime(answers: Mapping[str, Any], scope: Scope) -> list[Statement]:
    """What the AgentCore Runtime service does with the runtime's role (AgentCore developer guide,
    "IAM permissions for AgentCore Runtime"), each scoped as far as the API allows."""
    name = scope.runtime_name or "*"
    directory = scope.arn("bedrock-agentcore", "workload-identity-directory/default")
    statements = [
        statement(
            "GetOwnWorkloadAccessToken",
            [
                "bedrock-agentcore:GetWorkloadAccessToken",
                "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
                "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
            ],
            [directory, f"{directory}/workload-identity/{name}-*"],
        ),
        # DescribeLogGroups is a list call: it is authorized against log-group:* of the account and Region.
        statement("FindRuntimeLogGroup", ["logs:DescribeLogGroups"], [scope.arn("logs", "log-group:*")]),
    ]
    if answer(answers, "telemetry") == "otlp":
        # PutMetricData has no resource types; the condition keeps it to AgentCore's namespace.
        statements.append(
            statement(
                "PutRuntimeMetrics",
                ["cloudwatch:PutMetricData"],
                [ALL_RESOURCES],
                {"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}},
            )
        )
    return statements


_TARGET_EXTRAS: Mapping[str, _Section] = {"agentcore": _agentcore_runtime}


def execution_policy(
    answers: Mapping[str, Any],
    *,
    target: str,
    region: str,
    account: str,
    log_group_arn: str | None,
    partition: str = "aws",
    session_bucket: str | None = None,
    memory_arn: str | None = None,
    runtime_name: str | None = None,
) -> PolicyDocument:
    """The policy of the role the agent itself runs as (Lambda execution role, AgentCore runtime role, ECS
    task role).

    ``log_group_arn`` is the group the agent writes to (``None`` when something else writes its logs, like
    ECS's awslogs driver); a trailing ``:*`` is accepted. ``session_bucket`` and ``memory_arn`` override the
    answers (for a bucket or memory created next to the role). ``runtime_name`` is the AgentCore runtime's
    name, which its workload identity is named after.
    """
    scope = Scope(target, region, account, partition, log_group_arn, session_bucket, memory_arn, runtime_name)
    statements = _logs(scope)
    for (key, value), section in _ANSWER_STATEMENTS.items():
        if answer(answers, key, _ANSWER_DEFAULTS[key]) == value:
            statements.extend(section(answers, scope))
    extras = _TARGET_EXTRAS.get(target)
    if extras is not None:
        statements.extend(extras(answers, scope))
    return document(statements)


# --- the ECS task execution role and trust policies ---------------------------------------------------


def task_execution_policy(
    *, region: str, account: str, log_group_arn: str, repository_arn: str, partition: str = "aws"
) -> PolicyDocument:
    """The role ECS uses to start a task: pull the one image repository, write the one log group."""
    scope = Scope("fastapi", region, account, partition, log_group_arn)
    return document(
        [
            statement(
                "PullImage",
                ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                [repository_arn],
            ),
            # GetAuthorizationToken is account-wide: ECR accepts no resource but "*" for it.
            statement("GetRegistryToken", ["ecr:GetAuthorizationToken"], [ALL_RESOURCES]),
            *_logs(scope),
        ]
    )


def assume_role_policy(
    service: str, *, source_account: str | None = None, source_arn: str | None = None
) -> PolicyDocument:
    """Trust for one AWS service; the conditions (when given) stop another account's resources from making
    that service assume this role (the confused-deputy guard AWS recommends)."""
    trust: Statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    condition: dict[str, Any] = {}
    if source_account:
        condition["StringEquals"] = {"aws:SourceAccount": source_account}
    if source_arn:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    if condition:
        trust["Condition"] = condition
    return document([trust])
