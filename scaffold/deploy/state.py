"""Recorded state: what a deploy created, one JSON file per target, apart from the user's configuration.

``<project>/.scaffold/state/<target>.json`` holds only identifiers AWS gave us (names, ids, ARNs, versions)
and the last artifact's digest: no absolute paths, no secrets, so it can travel with the project. It is
rewritten atomically (a temporary file in the same directory, then ``os.replace``) after every completed
step, so a crash leaves either the previous or the next complete file, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import __version__
from ..environments.settings import DEFAULT_ENVIRONMENT
from .errors import StateError

SCHEMA_VERSION = 1
STATE_DIR = Path(".scaffold") / "state"

Record = dict[str, Any]


def state_dir(project_root: Path, environment: str = DEFAULT_ENVIRONMENT) -> Path:
    """``dev`` keeps the folder it had before environments existed; every other environment has its own."""
    root = project_root / STATE_DIR
    return root if environment == DEFAULT_ENVIRONMENT else root / environment


def state_path(project_root: Path, target: str, environment: str = DEFAULT_ENVIRONMENT) -> Path:
    return state_dir(project_root, environment) / f"{target}.json"


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class DeployState:
    project: str
    target: str
    region: str
    account_id: str
    environment: str = DEFAULT_ENVIRONMENT
    resources: dict[str, Record] = field(default_factory=dict)
    deployment: dict[str, Any] = field(default_factory=dict)
    path: Path | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "written_by": f"agent-scaffold {__version__}",
            "project": self.project,
            "target": self.target,
            "environment": self.environment,
            "region": self.region,
            "account_id": self.account_id,
            "deployment": self.deployment,
            "resources": self.resources,
        }

    def record(self, key: str, record: Record) -> None:
        self.resources[key] = record
        self.save()

    def forget(self, key: str) -> None:
        self.resources.pop(key, None)
        self.save()

    def mark(self, status: str, **details: Any) -> None:
        self.deployment.update(status=status, updated_at=now(), **details)
        if status != "failed":
            self.deployment.pop("error", None)
        self.save()

    def save(self) -> None:
        if self.path is None:
            return
        write_atomically(self.path, json.dumps(self.to_json(), indent=2, sort_keys=False) + "\n")

    def delete_file(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_state(project_root: Path, target: str, environment: str = DEFAULT_ENVIRONMENT) -> DeployState | None:
    path = state_path(project_root, target, environment)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StateError(f"Could not read {path}: {exc}. Move it aside to start over.") from None
    if not isinstance(raw, dict):
        raise StateError(f"{path} is not a scaffold state file (expected a JSON object).")
    version = raw.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise StateError(
            f"{path} has schema version {version!r}; this scaffold reads up to {SCHEMA_VERSION}. "
            "Upgrade agent-scaffold."
        )
    try:
        return DeployState(
            project=str(raw["project"]),
            target=str(raw["target"]),
            region=str(raw["region"]),
            account_id=str(raw["account_id"]),
            environment=str(raw.get("environment", DEFAULT_ENVIRONMENT)),
            resources={str(k): dict(v) for k, v in (raw.get("resources") or {}).items()},
            deployment=dict(raw.get("deployment") or {}),
            path=path,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StateError(f"{path} is missing or has a malformed field ({exc}).") from None


def new_state(
    project_root: Path,
    project: str,
    target: str,
    region: str,
    account_id: str,
    environment: str = DEFAULT_ENVIRONMENT,
) -> DeployState:
    return DeployState(
        project=project,
        target=target,
        region=region,
        account_id=account_id,
        environment=environment,
        path=state_path(project_root, target, environment),
    )


def check_matches(state: DeployState, *, region: str, account_id: str | None) -> None:
    """A state file describes one region and account; refuse to apply it anywhere else."""
    if state.region != region:
        raise StateError(
            f"{state.target} is deployed in {state.region}, not {region}: pass --region {state.region} "
            f"(or destroy it there first)."
        )
    if account_id is not None and state.account_id != account_id:
        raise StateError(
            f"{state.target} is deployed in account {state.account_id}, but these credentials are for "
            f"{account_id}; use the profile of that account (--profile)."
        )
