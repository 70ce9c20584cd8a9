"""Roll a deployed Lambda function back: point its ``live`` alias at an earlier published version.

Every deploy publishes a version and moves the alias to it, and callers (the function URL, the HTTP API)
only ever call the alias, so going back is one ``UpdateAlias`` to a version that already exists (with
SnapStart, already snapshotted): nothing is rebuilt or republished. The recorded state keeps the deployed
version, so ``status`` shows the alias as drift until the next ``deploy`` moves it forward again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..aws_idioms import every
from ..errors import BadInput
from ..project import Project
from .aws import aws_errors
from .engine import AwsOptions, open_target
from .lock import DeployLock


@dataclass(frozen=True)
class Rollback:
    alias: str
    from_version: str
    to_version: str

    def to_json(self) -> dict[str, str]:
        return {"alias": self.alias, "from_version": self.from_version, "to_version": self.to_version}


def rollback(project: Project, target: str, options: AwsOptions, to_version: str | None = None) -> Rollback:
    if target != "lambda":
        raise BadInput(f"rollback moves a Lambda alias; the {target} target has none (use deploy).")
    with DeployLock(project.root, target, options.environment):
        session = open_target(project, target, options, need_state=True)
        assert session.state is not None
        alias = session.state.resources.get("alias")
        if not alias:
            raise BadInput("No alias is recorded for lambda; run: scaffold deploy --target lambda")
        lam = session.aws.client("lambda")
        with aws_errors("read the function's versions"):
            current = str(
                lam.get_alias(FunctionName=alias["function"], Name=alias["name"])["FunctionVersion"]
            )
            versions = _published_versions(lam, alias["function"])
        target_version = to_version or _previous(versions, current)
        if target_version not in versions:
            raise BadInput(
                f"Version {target_version} of {alias['function']} does not exist; published: "
                f"{', '.join(versions) or 'none'}."
            )
        if target_version != current:
            with aws_errors("move the alias"):
                lam.update_alias(
                    FunctionName=alias["function"], Name=alias["name"], FunctionVersion=target_version
                )
        return Rollback(alias["name"], current, target_version)


def _published_versions(lam: Any, function: str) -> list[str]:
    versions = every(lam, "list_versions_by_function", "Versions", FunctionName=function)
    return sorted((str(v["Version"]) for v in versions if str(v.get("Version")).isdigit()), key=int)


def _previous(versions: list[str], current: str) -> str:
    earlier = [version for version in versions if current.isdigit() and int(version) < int(current)]
    if not earlier:
        raise BadInput(f"There is no earlier published version than {current} to roll back to.")
    return earlier[-1]
