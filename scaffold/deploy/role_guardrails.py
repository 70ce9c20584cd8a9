"""Put the environment's IAM guardrails on a deployer's execution role: the one place deployers call."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..environments.guardrails import effective_guardrails, role_name, role_tags
from .models import IamRole

if TYPE_CHECKING:
    from .targets.base import Target


def guard_role(role: IamRole, target: Target) -> IamRole:
    """``role`` with the boundary, path, name prefix and required tags the target's environment (under its
    organisation layer) demands; a role is unchanged when nothing is demanded."""
    rails = effective_guardrails(target.project, target.environment)
    return replace(
        role,
        name=role_name(role.name, rails),
        path=rails.role_path,
        permissions_boundary=rails.permissions_boundary,
        tags=role_tags(role.tags, rails),
        required_tags=dict(rails.required_tags),
    )
