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


def recorded(state: DeployState, resource: str, attr: str) -> Any:
    """One attribute of one resource's record in the state file; ``None`` when either is not recorded."""
    return state.resources.get(resource, {}).get(attr)


def recorded_log_group(state: DeployState) -> str | None:
    """The log group every target records under ``log_group``: where ``scaffold logs`` reads."""
    name = recorded(state, "log_group", "name")
    return None if name is None else str(name)


def shown_outputs(
    state: DeployState, recorded_as: Mapping[str, tuple[str, str]], **computed: object
) -> dict[str, str]:
    """A target's ``outputs``: each ``name -> (resource, attr)`` read from the state, the ``computed`` ones
    first, then the log group; only those that have a value, as strings."""
    shown: dict[str, object] = dict(computed)
    shown.update({name: recorded(state, *where) for name, where in recorded_as.items()})
    shown["log_group"] = recorded_log_group(state)
    return {name: str(value) for name, value in shown.items() if value}
