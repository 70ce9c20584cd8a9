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

from ..environments.settings import RETENTION_DAYS, Environment
from ..errors import BadInput
from ..project import Project
from ..pyproject_tool import scaffold_table

COMMON_DEFAULTS: dict[str, Any] = {
    "log_retention_days": 30,
    "environment": {},  # extra variables for the deployed agent (AGENT_* overrides, provider API key names…)
}


@dataclass(frozen=True)
class TargetSettings:
    target: str
    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def load_settings(
    project: Project,
    target: str,
    defaults: Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
    *,
    environment: Environment | None = None,
) -> TargetSettings:
    """The target's settings: defaults, then pyproject.toml, then the environment's (``environments.toml``),
    then ``overrides`` (command-line options)."""
    declared = {**COMMON_DEFAULTS, **defaults}
    values = dict(declared)
    source = f"[tool.scaffold.deploy.{target}] in {project.root / 'pyproject.toml'}"
    _apply(values, declared, _pyproject_table(project.root, target), source)
    if environment is not None and environment.declared:
        table = f"[environments.{environment.name}.{target}] in {environment.source}"
        _apply(values, declared, environment.target_settings(target), table)
        _apply(values, declared, environment_values(environment, target, values), str(environment.source))
    for name, value in (overrides or {}).items():
        if name not in declared:
            raise BadInput(f"--{name.replace('_', '-')} does not apply to the {target} target.")
        values[name] = value
    if values["log_retention_days"] not in RETENTION_DAYS:
        raise BadInput(
            "log_retention_days must be one of CloudWatch's values: "
            f"{', '.join(map(str, sorted(RETENTION_DAYS)))}."
        )
    variables = values["environment"]
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in variables.items()):
        raise BadInput(f"environment in {source} must map names to strings.")
    return TargetSettings(target=target, values=values)


def _apply(
    values: dict[str, Any], declared: Mapping[str, Any], given: Mapping[str, Any], source: str
) -> None:
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise BadInput(
            f"Unknown setting(s) {', '.join(unknown)} in {source}; known: {', '.join(sorted(declared))}."
        )
    for name, value in given.items():
        expected = declared[name]
        if expected is not None and not _same_type(expected, value):
            raise BadInput(f"{name} in {source} must be {type(expected).__name__}, not {value!r}.")
        values[name] = value


def environment_values(environment: Environment, target: str, current: Mapping[str, Any]) -> dict[str, Any]:
    """The environment-wide keys of ``environments.toml`` as target settings: log retention, the agent's
    variables (model id, session bucket, ``environment``) and, where the target has one, the certificate."""
    table = environment.settings
    given = table.model_fields_set
    values: dict[str, Any] = {}
    if "log_retention_days" in given:
        values["log_retention_days"] = table.log_retention_days
    variables = dict(current["environment"])
    if table.model_id:
        variables["AGENT_MODEL_ID"] = table.model_id
    if table.memory_bucket:
        variables["AGENT_SESSION_BUCKET"] = table.memory_bucket
    variables.update(table.environment)
    values["environment"] = variables
    if table.certificate_arn and "certificate_arn" in current:  # targets with a load balancer (fastapi)
        values["certificate_arn"] = table.certificate_arn
    return values


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
    table = scaffold_table(root, "deploy", target)
    if not isinstance(table, dict):
        raise BadInput(f"[tool.scaffold.deploy.{target}] in {root / 'pyproject.toml'} must be a table.")
    return table


def _same_type(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(expected, bool) and isinstance(value, bool)
    if isinstance(expected, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(expected))
