"""Which of the project's dependencies one target's artifact needs.

A project lists the runtime library once, with the extras its answers switch on (``agent-scaffold-runtime
[agentcore,fastapi,jwt]``), because the same project runs on every target it was generated for. An artifact
runs one target, so the extras that only another target's server uses are left out of it: a Lambda zip
does not carry bedrock-agentcore or FastAPI (unless the function streams through the FastAPI app), a
FastAPI image does not carry the AgentCore SDK. Smaller artifacts, shorter cold starts, and no AWS SDK
requirement the Lambda runtime's copy cannot meet. Extras every target uses (``jwt``, ``memory-agentcore``,
``otlp``) and the project's other dependencies stay exactly as written.
"""

from __future__ import annotations

import re

from packaging.requirements import InvalidRequirement, Requirement

from ..project import Project
from .lock import project_dependencies

RUNTIME_DISTRIBUTION = "agent-scaffold-runtime"
#: The runtime extras that only one target's server uses: the protocols and ADOT run on AgentCore.
SERVED_BY = {
    "agentcore": "agentcore",
    "mcp": "agentcore",
    "a2a": "agentcore",
    "agui": "agentcore",
    "adot": "agentcore",
    "fastapi": "fastapi",
}


def target_dependencies(project: Project, target: str) -> list[str]:
    """``[project].dependencies`` for an artifact of ``target``: the runtime's other-target extras dropped."""
    return [_for_target(line, project, target) for line in project_dependencies(project)]


def _for_target(line: str, project: Project, target: str) -> str:
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return line  # the resolver reports it, with its own message
    if _normalize(requirement.name) != RUNTIME_DISTRIBUTION or not requirement.extras:
        return line
    kept = {extra for extra in requirement.extras if _needed(extra, project, target)}
    if kept == requirement.extras:
        return line
    requirement.extras = kept
    return str(requirement)


def _needed(extra: str, project: Project, target: str) -> bool:
    owner = SERVED_BY.get(extra)
    if owner is None or owner == target:
        return True
    # A streaming Lambda serves the FastAPI app behind the Lambda Web Adapter.
    return extra == "fastapi" and target == "lambda" and bool(project.answers.get("lambda_streaming"))


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
