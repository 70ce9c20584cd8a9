"""The deployed agent's environment: ``scaffold.iac.environment`` (the ``AGENT_*`` variables from the
answers, shared with the CloudFormation export, with ``AGENT_ENVIRONMENT`` and ``AGENT_METRICS=emf``), plus
``AGENT_RUNTIME`` naming the target, a memory id this deploy creates, and the project's ``environment``
setting, which wins."""

from __future__ import annotations

from typing import Any

from ..environments.settings import DEFAULT_ENVIRONMENT
from ..iac.adot import adot_environment
from ..iac.environment import agent_environment as answers_environment
from ..project import Project
from .config import TargetSettings
from .models import Ref


def agent_environment(
    project: Project,
    target: str,
    settings: TargetSettings,
    *,
    memory_id: str | Ref | None = None,
    environment: str = DEFAULT_ENVIRONMENT,
) -> dict[str, Any]:
    env: dict[str, Any] = {
        **answers_environment(project.answers, environment=environment),
        "AGENT_RUNTIME": target,
    }
    if target == "agentcore":
        env.update(adot_environment(project.answers))
    if memory_id is not None:
        env["AGENT_MEMORY_ID"] = memory_id
    env.update(settings["environment"])
    return {name: value for name, value in env.items() if value not in (None, "")}
