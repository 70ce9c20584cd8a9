"""The deployed agent's IAM: ``scaffold.iac.policies`` is the one source of the execution policy (so a
CloudFormation export and a direct deploy grant exactly the same), filled in with what this deploy knows.

That module scopes every statement to exact resources (the log group, the model's ARNs, the guardrail, the
session bucket and prefix, the memory) and uses ``*`` only where an API accepts nothing else. Added here:
a memory this deploy creates (its ARN exists only after the create, so it goes in as a ``Ref``) and, for an
AgentCore container, pulling its one ECR repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..iac import policies as iac
from ..project import Project
from .models import Ref

MEMORY_ARN_SLOT = "${memory.arn}"  # stands for a memory's ARN until the memory exists


@dataclass(frozen=True)
class Scope:
    partition: str
    region: str
    account_id: str


def execution_policy(
    project: Project,
    target: str,
    scope: Scope,
    *,
    log_group_arn: str,
    session_bucket: str | None = None,
    memory_arn: str | Ref | None = None,
    runtime_name: str | None = None,
    repository_arn: str | None = None,
) -> dict[str, Any]:
    slot = MEMORY_ARN_SLOT if isinstance(memory_arn, Ref) else memory_arn
    document = iac.execution_policy(
        project.answers,
        target=target,
        region=scope.region,
        account=scope.account_id,
        partition=scope.partition,
        log_group_arn=log_group_arn,
        session_bucket=session_bucket,
        memory_arn=slot,
        runtime_name=runtime_name,
    )
    if repository_arn:
        document["Statement"] += ecr_statements(repository_arn)
    return _put_ref(document, MEMORY_ARN_SLOT, memory_arn) if isinstance(memory_arn, Ref) else document


def trust_policy(service: str, scope: Scope | None = None, source_arn: str | None = None) -> dict[str, Any]:
    """Only ``service`` may assume the role; with a scope, only for this account's resources."""
    if scope is None:
        return iac.assume_role_policy(service)
    return iac.assume_role_policy(service, source_account=scope.account_id, source_arn=source_arn)


def ecr_statements(repository_arn: str) -> list[dict[str, Any]]:
    return [
        iac.statement("PullImage", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], [repository_arn]),
        # GetAuthorizationToken is account-wide: ECR accepts no resource but "*" for it.
        iac.statement("GetRegistryToken", ["ecr:GetAuthorizationToken"], [iac.ALL_RESOURCES]),
    ]


def _put_ref(value: Any, slot: str, ref: Ref) -> Any:
    if value == slot:
        return ref
    if isinstance(value, dict):
        return {key: _put_ref(item, slot, ref) for key, item in value.items()}
    if isinstance(value, list):
        return [_put_ref(item, slot, ref) for item in value]
    return value
