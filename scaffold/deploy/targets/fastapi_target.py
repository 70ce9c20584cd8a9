"""The FastAPI target: a container image and an ECS Fargate service. Not deployable by ``scaffold deploy``
yet; its deployer says so before anything is built, with exit code 8, and names what it would need.

A real deployer plugs in here without touching the engine: implement ``TargetDeployer`` (``targets/base.py``)
and point ``DEPLOYERS["fastapi"]`` at it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from ...project import Project
from ..artifacts import ArtifactInfo
from ..config import TargetSettings
from ..errors import TargetUnavailable
from ..models import Resource
from ..state import DeployState
from .base import ArtifactOptions, DeployedInvoke, TargetInputs

if TYPE_CHECKING:
    from ...invoke_client import InvokeResult
    from ..aws import AwsContext

MESSAGE = (
    "scaffold deploy cannot deploy the fastapi target yet: it needs a container image pushed to a registry "
    "(Amazon ECR) and an ECS Fargate service to run it. Deploy --target lambda or --target agentcore, or run "
    "the image yourself (scaffold serve --target fastapi shows the app)."
)


class FastApiDeployer:
    name = "fastapi"
    defaults: dict[str, Any] = {}

    def check(self, project: Project, settings: TargetSettings) -> NoReturn:
        raise TargetUnavailable(MESSAGE)

    def artifact_options(self, inputs: TargetInputs) -> ArtifactOptions | None:
        raise TargetUnavailable(MESSAGE)

    def resources(self, inputs: TargetInputs, artifact: ArtifactInfo | None) -> list[Resource]:
        raise TargetUnavailable(MESSAGE)

    def outputs(self, state: DeployState) -> dict[str, str]:
        return {}

    def log_group(self, state: DeployState) -> str | None:
        return None

    def invoke(
        self, state: DeployState, aws: AwsContext, call: DeployedInvoke, on_text: Callable[[str], None]
    ) -> InvokeResult:
        raise TargetUnavailable(MESSAGE)
