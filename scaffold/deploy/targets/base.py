"""What a per-target deployer provides, and the one object describing an opened target that the deployer
builds its models from and the engine runs against (``Target``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ...environments.settings import Environment
from ...packaging.artifact import Artifact
from ...project import Project
from ..config import TargetSettings
from ..models import Resource
from ..naming import Names
from ..policies import Scope
from ..state import DeployState

if TYPE_CHECKING:
    from ...invoke_client import InvokeRequest, InvokeResult
    from ..aws import AwsContext
    from ..context import DeployContext
    from ..progress import Progress


@dataclass(frozen=True)
class Target:
    """One target of one project, opened: its checked settings, the names and policy scope in its account
    and region, its deployer, its recorded state (``None`` before a first deploy) and its AWS context."""

    project: Project
    name: str
    settings: TargetSettings
    names: Names
    scope: Scope
    deployer: TargetDeployer
    state: DeployState | None
    aws: AwsContext
    environment: Environment

    def context(self, progress: Progress) -> DeployContext:
        """What the handlers work with while planning and executing for this target."""
        from ..context import DeployContext

        return DeployContext(aws=self.aws, names=self.names, progress=progress)


@dataclass(frozen=True)
class ArtifactOptions:
    arch: str
    python_version: str | None


@dataclass(frozen=True)
class DeployedInvoke:
    """What ``scaffold invoke --target`` sends to a deployed target."""

    request: InvokeRequest
    token: str | None = None  # a bearer token for JWT-protected targets


class TargetDeployer(Protocol):
    name: str
    defaults: Mapping[str, Any]

    def check(self, project: Project, settings: TargetSettings) -> None:
        """Refuse early (before building anything) what this target cannot deploy."""

    def artifact_options(self, inputs: Target) -> ArtifactOptions | None:
        """How to build the code for this target; ``None`` when it deploys something prebuilt."""

    def resources(self, inputs: Target, artifact: Artifact | None) -> list[Resource]:
        """The models, in creation order. ``artifact`` is ``None`` for destroy and status."""

    def outputs(self, state: DeployState) -> dict[str, str]:
        """What to show after a deploy and in status: URLs, ARNs, the log group."""

    def log_group(self, state: DeployState) -> str | None: ...

    def invoke(
        self, state: DeployState, aws: AwsContext, call: DeployedInvoke, on_text: Callable[[str], None]
    ) -> InvokeResult: ...
