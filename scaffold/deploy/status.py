"""``scaffold status``: each recorded resource as AWS reports it now (read calls only), and the outputs.

A resource is out of sync when it is missing, failed, or when any property the deploy manages differs from
what the deploy applied (``drift``): memory, timeout, environment, role, policy, template, parameters...
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..project import Project
from .aws import aws_errors
from .drift import APPLIED, drifted
from .engine import AwsOptions, open_target
from .handlers.base import handler_for
from .plan import deployment_json
from .progress import Progress

_UNHEALTHY = ("FAILED", "Failed", "Inactive")


@dataclass
class ResourceStatus:
    key: str
    kind: str
    name: str
    exists: bool
    detail: str = ""
    drift: list[str] = field(default_factory=list)  # managed properties changed outside scaffold

    @property
    def healthy(self) -> bool:
        return self.exists and not self.drift and not any(word in self.detail for word in _UNHEALTHY)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StatusReport:
    project: str
    target: str
    region: str
    account_id: str
    deployment: dict[str, Any]
    resources: list[ResourceStatus] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    environment: str = "dev"

    @property
    def in_sync(self) -> bool:
        return self.deployment.get("status") == "complete" and all(r.healthy for r in self.resources)

    def to_json(self) -> dict[str, Any]:
        return {
            **deployment_json(self),
            "deployed": True,
            "in_sync": self.in_sync,
            "deployment": self.deployment,
            "resources": [resource.to_json() for resource in self.resources],
            "outputs": self.outputs,
        }


def status(project: Project, target: str, options: AwsOptions) -> StatusReport:
    session = open_target(project, target, options, need_state=True)
    state = session.state
    assert state is not None
    ctx = session.context(Progress(quiet=True))
    report = StatusReport(
        project.project_name,
        target,
        state.region,
        state.account_id,
        dict(state.deployment),
        outputs=session.deployer.outputs(state),
        environment=state.environment,
    )
    with aws_errors(f"read the {target} deployment"):
        for key, record in state.resources.items():
            kind = str(record.get("kind", "?"))
            observed = handler_for(kind).inspect(record, ctx)
            name = str(
                record.get("name") or record.get("key") or record.get("url") or record.get("sid") or key
            )
            drift = drifted(record.get(APPLIED), observed.actual) if observed else []
            detail = observed.detail if observed else "missing"
            if drift:
                detail = f"{detail + '; ' if detail else ''}changed outside scaffold: {', '.join(drift)}"
            report.resources.append(ResourceStatus(key, kind, name, observed is not None, detail, drift))
    return report
