"""The execution role: trust policy, one inline least-privilege policy, tags, and the IAM guardrails of a
locked-down account (path, permissions boundary, required tags; ``scaffold.environments.guardrails``).
Re-checked on every deploy and rewritten only where AWS reports something else (so a no-change redeploy
writes nothing).

A changed boundary or required tag is updated in place. A role's name and path cannot change: a new name
(a new name prefix) is a new role, created before what uses it is pointed at it, and the old one is deleted
at the end of the deploy (tracked as retired until then, so an interrupted run still deletes it); a new
path under the same name replaces the role in place (deleted, then created under the new path).
"""

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
    retire_replaced = True  # a renamed role stays recorded until the deploy deletes it
    delete_replaced = True

    def same_identity(self, res: IamRole, record: Record, ctx: DeployContext) -> bool:
        return record.get("name") == res.name

    def observe(self, res: IamRole, record: Record | None, ctx: DeployContext) -> Observed | None:
        found = _read(ctx, res.name, res.policy_name)
        if found is None:
            return None
        observed, tags = found
        observed.actual["required_tags"] = {key: tags.get(key) for key in res.required_tags}
        if observed.actual["path"] != res.path:  # replaced in place: what refers to it gets the new ARN
            observed.record = _record(res.name, _arn(res, ctx), res.policy_name)
        return observed

    def predict(self, res: IamRole, ctx: DeployContext) -> Record | None:
        return _record(res.name, _arn(res, ctx), res.policy_name)

    def desired(self, res: IamRole, ctx: DeployContext) -> dict[str, Any]:
        desired = {
            "trust_policy": res.trust_policy,
            "policy": ctx.resolve(res.policy),
            "path": res.path,
            "permissions_boundary": res.permissions_boundary or None,
        }
        if res.required_tags:  # only then: a role made before guardrails existed is not "changed"
            desired["required_tags"] = dict(res.required_tags)
        return desired

    def create(self, res: IamRole, ctx: DeployContext) -> Record:
        iam = ctx.client("iam")
        boundary = {"PermissionsBoundary": res.permissions_boundary} if res.permissions_boundary else {}
        role = iam.create_role(
            RoleName=res.name,
            Path=res.path,
            AssumeRolePolicyDocument=json.dumps(res.trust_policy),
            Description=res.description,
            Tags=tag_list(res.tags),
            **boundary,
        )["Role"]
        iam.put_role_policy(
            RoleName=res.name, PolicyName=res.policy_name, PolicyDocument=json.dumps(ctx.resolve(res.policy))
        )
        return _record(res.name, role["Arn"], res.policy_name)

    def update(self, res: IamRole, observed: Observed, changes: list[str], ctx: DeployContext) -> Record:
        iam = ctx.client("iam")
        if "path" in changes:  # IAM cannot move a role: delete it and create it under the new path
            self.delete(observed.record, ctx)
            return self.create(res, ctx)
        if "permissions_boundary" in changes:
            if res.permissions_boundary:
                iam.put_role_permissions_boundary(
                    RoleName=res.name, PermissionsBoundary=res.permissions_boundary
                )
            else:
                iam.delete_role_permissions_boundary(RoleName=res.name)
        if "required_tags" in changes:
            iam.tag_role(RoleName=res.name, Tags=tag_list(res.required_tags))
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
        found = _read(ctx, record["name"], record["policy_name"])
        return None if found is None else found[0]


def _read(ctx: DeployContext, name: str, policy_name: str) -> tuple[Observed, dict[str, str]] | None:
    """The role as AWS reports it, and its tags (compared only where the model names them)."""
    iam = ctx.client("iam")
    found = if_found(iam.get_role, RoleName=name)
    if found is None:
        return None
    role = found["Role"]
    inline = if_found(iam.get_role_policy, RoleName=name, PolicyName=policy_name)
    tags = tags_to_dict(role.get("Tags"))
    observed = Observed(
        record=_record(name, role["Arn"], policy_name),
        actual={
            "trust_policy": _document(role.get("AssumeRolePolicyDocument")),
            "policy": _document(inline["PolicyDocument"] if inline else None),
            "path": role.get("Path", "/"),
            "permissions_boundary": (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"),
        },
        owned=ctx.names.owns(tags),
    )
    return observed, tags


def _arn(res: IamRole, ctx: DeployContext) -> str:
    return f"arn:{ctx.aws.partition}:iam::{ctx.aws.account_id}:role{res.path}{res.name}"


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
