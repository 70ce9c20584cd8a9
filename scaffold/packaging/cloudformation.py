"""``--format cloudformation``: hand the built artifact to the IaC package's exporter.

The exporter lives in ``scaffold.iac.cloudformation`` and is imported only here, when asked for, so the
other formats work (and are tested) whether or not it is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..project import Project
from .errors import PackagingError

if TYPE_CHECKING:
    from ..environments.settings import Environment


def export(
    project: Project, target: str, out_dir: Path, artifact: Any, *, environment: Environment | None = None
) -> list[Path]:
    """``environment``: the deployment environment whose log retention and alarms the template gets."""
    try:
        from ..iac.cloudformation import export as iac_export
    except ImportError as exc:
        raise PackagingError(
            f"The CloudFormation export is not available here (importing scaffold.iac.cloudformation: {exc})."
        ) from None
    return list(iac_export(project, target, out_dir, artifact, environment=environment))
