"""The IAM guardrails of an environment (and of the project's organisation layer) on every
``AWS::IAM::Role`` of an exported template, as parameters a pipeline can read and a reviewer can see.

With guardrails, a template gains three parameters, defaulting to the effective guardrails
(``scaffold.environments.guardrails``): ``PermissionsBoundaryArn`` (every role's boundary; empty for none),
``RolePath`` and ``RoleNamePrefix``. A key the organisation layer forces is pinned (``AllowedValues``), so a
stack cannot be created without it. With a prefix every role is named ``<prefix><project>-<environment>-
<target>-<role>`` (shortened with a digest to fit IAM's 64 characters), which needs
``CAPABILITY_NAMED_IAM`` (``scaffold.iac.stack`` asks for it); without one, roles stay unnamed.
Required tags are put on every role. A template without guardrails is exactly what it was before.
"""

from __future__ import annotations

from typing import Any

from ..environments.guardrails import (
    MAX_ROLE_NAME,
    effective_guardrails,
    fit_name,
    forced_guardrails,
    is_default,
)
from ..environments.settings import DEFAULT_ENVIRONMENT, Environment, IamGuardrails
from ..project import Project
from .cfn import Json, Template, parameter, ref, sub

BOUNDARY = "PermissionsBoundaryArn"
PATH = "RolePath"
PREFIX = "RoleNamePrefix"
HAS_BOUNDARY = "HasPermissionsBoundary"
HAS_PREFIX = "HasRoleNamePrefix"
MAX_PREFIX = 24
ROLE_TYPE = "AWS::IAM::Role"


def apply_guardrails(
    template: Template, project: Project, target: str, environment: Environment | None
) -> IamGuardrails:
    """Put the effective guardrails on every role of ``template``; returns them (default: nothing done)."""
    rails = effective_guardrails(project, environment)
    if is_default(rails):
        return rails
    forced = forced_guardrails(project)
    pinned = forced[1].model_fields_set if forced else set()
    template.parameters.update(_parameters(rails, pinned))
    template.conditions[HAS_BOUNDARY] = {"Fn::Not": [{"Fn::Equals": [ref(BOUNDARY), ""]}]}
    template.conditions[HAS_PREFIX] = {"Fn::Not": [{"Fn::Equals": [ref(PREFIX), ""]}]}
    stage = environment.name if environment is not None else DEFAULT_ENVIRONMENT
    for logical_id, resource in template.resources.items():
        if resource.get("Type") == ROLE_TYPE:
            base = fit_name(
                f"{project.project_name}-{stage}-{target}-{logical_id}", MAX_ROLE_NAME - MAX_PREFIX
            )
            _guard(resource["Properties"], base, rails)
    return rails


def _guard(properties: Json, base: str, rails: IamGuardrails) -> None:
    properties["Path"] = ref(PATH)
    properties["PermissionsBoundary"] = {"Fn::If": [HAS_BOUNDARY, ref(BOUNDARY), {"Ref": "AWS::NoValue"}]}
    properties["RoleName"] = {"Fn::If": [HAS_PREFIX, sub(f"${{{PREFIX}}}{base}"), {"Ref": "AWS::NoValue"}]}
    if rails.required_tags:
        tags = {item["Key"]: item["Value"] for item in properties.get("Tags", [])}
        merged = {**rails.required_tags, **tags}
        properties["Tags"] = [{"Key": key, "Value": value} for key, value in merged.items()]


def _parameters(rails: IamGuardrails, pinned: set[str]) -> Json:
    def pin(key: str, value: str, spec: dict[str, Any]) -> dict[str, Any]:
        if key in pinned:  # forced by the organisation layer: the stack cannot be made without it
            spec = {name: item for name, item in spec.items() if name != "AllowedPattern"}
            spec["AllowedValues"] = [value]
        return spec

    return {
        BOUNDARY: pin(
            "permissions_boundary",
            rails.permissions_boundary,
            parameter(
                "String",
                "ARN of the permissions boundary every role gets; empty for none.",
                Default=rails.permissions_boundary,
                AllowedPattern=r"^(arn:aws[a-z-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]+)?$",
            ),
        ),
        PATH: pin(
            "role_path",
            rails.role_path,
            parameter(
                "String",
                "Path of every role (/ or /a/path/).",
                Default=rails.role_path,
                AllowedPattern=r"^/([\x21-\x7e]*/)?$",
            ),
        ),
        PREFIX: pin(
            "role_name_prefix",
            rails.role_name_prefix,
            parameter(
                "String",
                "Put before every role's name; empty leaves roles unnamed.",
                Default=rails.role_name_prefix,
                AllowedPattern=r"^[\w+=,.@-]*$",
                MaxLength=MAX_PREFIX,
            ),
        ),
    }


def names_roles(body: Any) -> bool:
    """Whether a template body names an IAM role (so deploying it needs ``CAPABILITY_NAMED_IAM``)."""
    resources = body.get("Resources", {}) if isinstance(body, dict) else {}
    return any(
        isinstance(resource, dict)
        and resource.get("Type") == ROLE_TYPE
        and "RoleName" in (resource.get("Properties") or {})
        for resource in resources.values()
    )
