"""What the CI deploy role may do: the AWS calls ``scaffold deploy/promote/status/invoke/logs`` make for one
target, on the narrowest resources their names allow.

Names come from ``scaffold.deploy.naming`` (read, never changed here): roles ``scaffold-<project>-*``, the
code bucket ``scaffold-<project[:24]>-*``, the Lambda function ``<project>`` (and ``<project>-*`` for
per-environment names), AgentCore runtimes ``<package>*`` and memories ``<package>_memory*``, and the
CloudWatch alarms named after the function or runtime they watch (``scaffold.deploy.alarms``). A
wildcard *resource* appears only where the API accepts nothing narrower, and each such statement says so.
ARN parts are ``${AWS::...}`` placeholders that ``scaffold.iac.cfn.substitute`` wraps in ``Fn::Sub``.
"""

from __future__ import annotations

from ..deploy.naming import NAME_PREFIX
from ..environments.guardrails import MAX_ROLE_NAME
from ..environments.settings import IamGuardrails
from ..iac.cfn import ACCOUNT, PARTITION, REGION
from ..iac.policies import Statement, statement

_DIGEST_TAIL = 9  # a role name over 64 characters keeps its first 55 (``guardrails.fit_name``)

_LOGS = f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:"
_LAMBDA = f"arn:{PARTITION}:lambda:{REGION}:{ACCOUNT}:function:"
_AGENTCORE = f"arn:{PARTITION}:bedrock-agentcore:{REGION}:{ACCOUNT}:"
_ALARMS = f"arn:{PARTITION}:cloudwatch:{REGION}:{ACCOUNT}:alarm:"
EXECUTION_ROLE_SERVICES = {"lambda": "lambda.amazonaws.com", "agentcore": "bedrock-agentcore.amazonaws.com"}


def deploy_statements(
    project: str, package: str, target: str, guardrails: IamGuardrails | None = None
) -> list[Statement]:
    """Every statement the role needs to deploy ``target`` of ``project``; a table per target. With IAM
    guardrails, the execution roles are the ones under their path and prefix, created with the boundary."""
    per_target = {"lambda": _lambda_statements, "agentcore": _agentcore_statements}
    rails = guardrails or IamGuardrails()
    return [
        *_execution_role(project, target, rails),
        *_code_bucket(project),
        *per_target[target](project, package),
    ]


def _execution_role(project: str, target: str, rails: IamGuardrails) -> list[Statement]:
    name = f"{rails.role_name_prefix}{NAME_PREFIX}{project}-"[: MAX_ROLE_NAME - _DIGEST_TAIL]
    roles = f"arn:{PARTITION}:iam::{ACCOUNT}:role{rails.role_path}{name}*"
    manage = [
        "iam:GetRole", "iam:DeleteRole", "iam:TagRole", "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies", "iam:DetachRolePolicy",
    ]  # fmt: skip
    passed_to = {"StringEquals": {"iam:PassedToService": EXECUTION_ROLE_SERVICES[target]}}
    if rails.permissions_boundary:  # roles are made (and kept) with the boundary, never without
        bounded = {"StringEquals": {"iam:PermissionsBoundary": rails.permissions_boundary}}
        create = [
            statement(
                "CreateTheAgentExecutionRoleWithItsBoundary",
                ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
                [roles],
                bounded,
            )
        ]
    else:
        create = [statement("CreateTheAgentExecutionRole", ["iam:CreateRole"], [roles])]
    return [
        *create,
        statement("ManageTheAgentExecutionRole", manage, [roles]),
        statement("PassTheAgentExecutionRole", ["iam:PassRole"], [roles], passed_to),
    ]


def _code_bucket(project: str) -> list[Statement]:
    bucket = f"arn:{PARTITION}:s3:::{NAME_PREFIX}{project[:24]}-*"
    manage = [
        "s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:GetBucketTagging", "s3:PutBucketTagging",
    ]  # fmt: skip
    return [
        statement("ManageTheCodeBucket", manage, [bucket]),
        statement(
            "ReadAndWriteArtifacts",
            ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            [f"{bucket}/*"],
        ),
    ]


def _log_groups(prefix: str) -> list[Statement]:
    groups = [f"{_LOGS}{prefix}*"]
    manage = [
        "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:TagResource",
        "logs:ListTagsForResource", "logs:FilterLogEvents",
    ]  # fmt: skip
    return [
        statement("ManageTheAgentLogGroups", manage, groups),
        # DescribeLogGroups lists by prefix; IAM checks it against log-group:* of this account and Region.
        statement("FindTheAgentLogGroups", ["logs:DescribeLogGroups"], [f"{_LOGS}*"]),
    ]


def _alarms(prefix: str) -> list[Statement]:
    manage = [
        "cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms",
        "cloudwatch:TagResource", "cloudwatch:ListTagsForResource",
    ]  # fmt: skip
    return [statement("ManageTheAgentAlarms", manage, [f"{_ALARMS}{prefix}*"])]


def _lambda_statements(project: str, package: str) -> list[Statement]:
    functions = [f"{_LAMBDA}{project}", f"{_LAMBDA}{project}:*", f"{_LAMBDA}{project}-*"]
    manage = [
        "lambda:CreateFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration",
        "lambda:DeleteFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
        "lambda:PublishVersion",
        "lambda:ListVersionsByFunction", "lambda:CreateAlias", "lambda:GetAlias", "lambda:UpdateAlias",
        "lambda:DeleteAlias", "lambda:CreateFunctionUrlConfig", "lambda:GetFunctionUrlConfig",
        "lambda:UpdateFunctionUrlConfig", "lambda:DeleteFunctionUrlConfig", "lambda:AddPermission",
        "lambda:RemovePermission", "lambda:GetPolicy", "lambda:TagResource", "lambda:ListTags",
        "lambda:InvokeFunction", "lambda:InvokeFunctionUrl",
    ]  # fmt: skip
    # API Gateway HTTP APIs get generated ids, so IAM can scope them to this Region's APIs, not by name.
    apis = [f"arn:{PARTITION}:apigateway:{REGION}::/apis", f"arn:{PARTITION}:apigateway:{REGION}::/apis/*"]
    gateway = ["apigateway:GET", "apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"]
    tags = [f"arn:{PARTITION}:apigateway:{REGION}::/tags/*"]
    return [
        statement("ManageTheFunction", manage, functions),
        statement("ManageTheHttpApi", gateway, apis),
        # API Gateway tags are POST/PUT on /tags/{arn}; there is no apigateway:TagResource action.
        statement("TagTheHttpApi", ["apigateway:POST", "apigateway:PUT"], tags),
        *_log_groups(f"/aws/lambda/{project}"),
        *_alarms(f"{project}-"),
    ]


def _agentcore_statements(project: str, package: str) -> list[Statement]:
    runtimes = [f"{_AGENTCORE}runtime/{package}*", f"{_AGENTCORE}runtime/{package}*/runtime-endpoint/*"]
    memories = [f"{_AGENTCORE}memory/{package}_memory*"]
    runtime_actions = [
        "bedrock-agentcore:GetAgentRuntime",
        "bedrock-agentcore:UpdateAgentRuntime", "bedrock-agentcore:DeleteAgentRuntime",
        "bedrock-agentcore:CreateAgentRuntimeEndpoint", "bedrock-agentcore:GetAgentRuntimeEndpoint",
        "bedrock-agentcore:UpdateAgentRuntimeEndpoint", "bedrock-agentcore:DeleteAgentRuntimeEndpoint",
        "bedrock-agentcore:InvokeAgentRuntime", "bedrock-agentcore:ListTagsForResource",
        "bedrock-agentcore:TagResource",
    ]  # fmt: skip
    memory_actions = [
        "bedrock-agentcore:GetMemory", "bedrock-agentcore:UpdateMemory",
        "bedrock-agentcore:DeleteMemory", "bedrock-agentcore:ListTagsForResource",
        "bedrock-agentcore:TagResource",
    ]  # fmt: skip
    account_wide = [
        "bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:CreateMemory",
        "bedrock-agentcore:ListAgentRuntimes", "bedrock-agentcore:ListMemories",
    ]  # fmt: skip
    return [
        statement("ManageTheRuntime", runtime_actions, runtimes),
        statement("ManageTheMemory", memory_actions, memories),
        # Create and List name no existing resource (ids are generated): IAM checks them against this
        # account's and Region's ARNs, the narrowest it accepts.
        statement("CreateAndFindTheRuntimeAndMemory", account_wide, [f"{_AGENTCORE}*"]),
        *_log_groups(f"/aws/bedrock-agentcore/runtimes/{package}"),
        *_alarms(package),
    ]
