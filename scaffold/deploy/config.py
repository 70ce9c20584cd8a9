"""User configuration of a deploy: the template answers plus optional ``[tool.scaffold.deploy.<target>]``
settings in the project's ``pyproject.toml``. Recorded state lives elsewhere (``state.py``).

Each target declares its settings and their defaults (``TargetSettings``); a key it does not declare, or a
value of the wrong type, is refused with the name of the file and key, so a typo never deploys silently.

    [tool.scaffold.deploy.lambda]
    memory_mb = 2048
    log_retention_days = 14
    environment = { AGENT_LOG_LEVEL = "DEBUG" }
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BadInput
from ..project import Project

COMMON_DEFAULTS: dict[str, Any] = {
    "log_retention_days": 30,
    "environment": {},  # extra variables for the deployed agent (AGENT_* overrides, provider API key names…)
}
RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)


@dataclass(frozen=True)
class TargetSettings:
    target: str
    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def load_settings(
    project: Project, target: str, defaults: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> TargetSettings:
    """The target's settings: defaults, then pyproject.toml, then ``overrides`` (command-line options)."""
    declared = {**COMMON_DEFAULTS, **defaults}
    given = _pyproject_table(project.root, target)
    source = f"[tool.scaffold.deploy.{target}] in {project.root / 'pyproject.toml'}"
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise BadInput(
            f"Unknown setting(s) {', '.join(unknown)} in {source}; known: {', '.join(sorted(declared))}."
        )
    values = dict(declared)
    for name, value in given.items():
        expected = declared[name]
        if expected is not None and not _same_type(expected, value):
            raise BadInput(f"{name} in {source} must be {type(expected).__name__}, not {value!r}.")
        values[name] = value
    for name, value in (overrides or {}).items():
        if name not in declared:
            raise BadInput(f"--{name.replace('_', '-')} does not apply to the {target} target.")
        values[name] = value
    if values["log_retention_days"] not in RETENTION_DAYS:
        raise BadInput(
            "log_retention_days must be one of CloudWatch's values: "
            f"{', '.join(map(str, sorted(RETENTION_DAYS)))}."
        )
    environment = values["environment"]
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in environment.items()):
        raise BadInput(f"environment in {source} must map names to strings.")
    return TargetSettings(target=target, values=values)


def answer(project: Project, name: str, default: str = "") -> str:
    """A template answer as a stripped string ('' when unset)."""
    value = project.answers.get(name)
    return default if value is None else str(value).strip()


def answer_list(project: Project, name: str) -> list[str]:
    """A comma-separated (or list) answer as a list of non-empty strings."""
    value = project.answers.get(name)
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _pyproject_table(root: Path, target: str) -> dict[str, Any]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadInput(f"Could not read {path}: {exc}.") from None
    table = data.get("tool", {}).get("scaffold", {}).get("deploy", {}).get(target, {})
    if not isinstance(table, dict):
        raise BadInput(f"[tool.scaffold.deploy.{target}] in {path} must be a table.")
    return table


def _same_type(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(expected, bool) and isinstance(value, bool)
    if isinstance(expected, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(expected))
