"""Whether a target still has cloud resources, read from the deploy state without depending on its schema.

The deploy commands own ``<project>/.scaffold/state/<target>.json``; this module only reads it, defensively:
a JSON object whose ``resources`` is a non-empty mapping or list means deployed. A file that cannot be read
or parsed counts as *possibly* deployed - removing a target must not be what strands cloud resources.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

STATE_DIR = Path(".scaffold") / "state"


@dataclass(frozen=True)
class Deployment:
    target: str
    state_file: Path
    deployed: bool
    resources: int = 0
    problem: str | None = None  # why the file could not be understood

    @property
    def label(self) -> str:
        if self.problem:
            return "unknown (state unreadable)"
        return f"deployed ({self.resources_text})" if self.deployed else "not deployed"

    @property
    def resources_text(self) -> str:
        return f"{self.resources} resource{'' if self.resources == 1 else 's'}"


def deployment(root: Path, target: str) -> Deployment:
    """The target's deployment in any environment: ``dev``'s file, then each other environment's folder
    (``.scaffold/state/<env>/<target>.json``); the first that is (or may be) deployed answers."""
    paths = [root / STATE_DIR / f"{target}.json", *sorted((root / STATE_DIR).glob(f"*/{target}.json"))]
    found = [_read(path, target) for path in paths]
    return next((one for one in found if one.deployed), found[0])


def _read(path: Path, target: str) -> Deployment:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Deployment(target, path, deployed=False)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return Deployment(target, path, deployed=True, problem=type(exc).__name__)
    if not isinstance(raw, dict):
        return Deployment(target, path, deployed=True, problem="not a JSON object")
    resources = raw.get("resources")
    count = len(resources) if isinstance(resources, (dict, list)) else 0
    return Deployment(target, path, deployed=count > 0, resources=count)
