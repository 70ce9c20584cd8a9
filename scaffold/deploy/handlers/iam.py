"""The execution role: trust policy, one inline least-privilege policy, tags. Re-checked on every deploy and
rewritten only where AWS reports something else (so a no-change redeploy writes nothing)."""

from __future__ import annotations

import json
from typing import Any

from ...aws_idioms import deleted, every, if_found
from ..context import DeployContext
from ..models import IamRole
from ..state import Record
from .base import Handler, Observed, register, tag_list, tags_to_dict


@register("iam_role")
class RoleHandler(Handler[IamRole]):
    def observe(self, res: IamRole, record: Record | None, ctx: DeployContext) -> Observed | None:
        return self.inspect(_record(res.name, "", res.policy_name), ctx)

    def predict(self, res: IamRole, ctx: DeployContext) -> Record | None:
        return _record(
            res.name, f"arn:{ctx.aws.partition}:iam::{ctx.aws.account_id}:role/{res.name}", res.policy_name
        )

    def desired(self, res: IamRole, ctx: DeployContext) -> dict[str, Any]:
        return {"trust_policy": res.trust_policy, "policy": ctx.resolve(res.policy)}

    def create(self, res: IamRole, ctx: DeployContext) -> Record:
        iam = ctx.client("iam")
        role = iam.create_role(
            RoleName=res.name,
            AssumeRolePolicyDocument=json.dumps(res.trust_policy),
            Description=res.description,
            Tags=tag_list(res.tags),
        )["Role"]
        iam.put_role_policy(
            RoleName=res.name, PolicyName=res.policy_name, PolicyDocument=json.dumps(ctx.resolve(res.policy))
        )
        return _record(res.name, role["Arn"], res.policy_name)

    def update(self, res: IamRole, observed: Observed, changes: list[str], ctx: DeployContext) -> Record:
        iam = ctx.client("iam")
        if "trust_policy" in changes:
            iam.update_assume_role_policy(RoleName=res.name, PolicyDocument=json.dumps(res.trust_policy))
        if "policy" in changes:
            iam.put_role_policy(
                RoleName=res.name,
                PolicyName=res.policy_name,
                PolicyDocument=json.dumps(ctx.resolve(res.policy)),
            )
        return observed.record

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        iam = ctx.client("iam")
        name = record["name"]
        if if_found(iam.get_role, RoleName=name) is None:
            return False
        for policy_name in every(iam, "list_role_policies", "PolicyNames", RoleName=name):
            iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
        # A managed policy someone attached to our role: detached (not deleted) so the role can go.
        for attached in every(iam, "list_attached_role_policies", "AttachedPolicies", RoleName=name):
            iam.detach_role_policy(RoleName=name, PolicyArn=attached["PolicyArn"])
        return deleted(iam.delete_role, RoleName=name)

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        iam, name, policy_name = ctx.client("iam"), record["name"], record["policy_name"]
        found = if_found(iam.get_role, RoleName=name)
        if found is None:
            return None
        role = found["Role"]
        inline = if_found(iam.get_role_policy, RoleName=name, PolicyName=policy_name)
        return Observed(
            record=_record(name, role["Arn"], policy_name),
            actual={
                "trust_policy": _document(role.get("AssumeRolePolicyDocument")),
                "policy": _document(inline["PolicyDocument"] if inline else None),
            },
            owned=ctx.names.owns(tags_to_dict(role.get("Tags"))),
        )


def _record(name: str, arn: str, policy_name: str) -> Record:
    return {"name": name, "arn": arn, "policy_name": policy_name}


def _document(value: Any) -> Any:
    """Policy documents come back decoded by botocore, or as (URL-encoded) JSON text from some endpoints."""
    if isinstance(value, str):
        from urllib.parse import unquote

        try:
            return json.loads(unquote(value))
        except ValueError:
            return value
    return value
