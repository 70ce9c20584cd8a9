"""Find the generated project a command runs in, and read what it was generated with.

A project is the nearest directory, from the starting point upward, that holds copier's answers file; so
``scaffold run`` works from any subdirectory, as ``git`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import NotInProject, ScaffoldError
from .names import package_name_for

ANSWERS_FILE = ".copier-answers.yml"


@dataclass(frozen=True)
class Project:
    root: Path
    project_name: str
    package_name: str
    targets: tuple[str, ...] = ()
    model_provider: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)

    def has_target(self, target: str) -> bool:
        return target in self.targets

    def module(self, relative: str) -> str:
        """``entrypoints.local`` -> ``my_agent.entrypoints.local``."""
        return f"{self.package_name}.{relative}"

    @property
    def public_answers(self) -> dict[str, Any]:
        """The answers without copier's bookkeeping (``_src_path``, ``_commit``)."""
        return {key: value for key, value in self.answers.items() if not key.startswith("_")}


def find_project_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ANSWERS_FILE).is_file():
            return directory
    return None


def load_project(root: Path) -> Project:
    answers_path = root / ANSWERS_FILE
    answers = _read_answers(answers_path)
    project_name = answers.get("project_name")
    if not isinstance(project_name, str) or not project_name:
        raise ScaffoldError(f"{answers_path} has no project_name; it was not made by scaffold new.")
    # The template may record its own package_name; otherwise derive it the way the template does.
    package_name = answers.get("package_name")
    if not isinstance(package_name, str) or not package_name:
        package_name = package_name_for(project_name)
    return Project(
        root=root,
        project_name=project_name,
        package_name=package_name,
        targets=_as_tuple(answers.get("targets")),
        model_provider=_optional_str(answers.get("model_provider")),
        answers=answers,
    )


def locate_project(start: Path | None = None) -> Project:
    """The project containing ``start`` (default: the current directory)."""
    origin = (start or Path.cwd()).resolve()
    root = find_project_root(origin)
    if root is None:
        raise NotInProject(
            f"Not inside an agent-scaffold project (no {ANSWERS_FILE} found from {origin} upward). "
            "Create one with: scaffold new NAME"
        )
    return load_project(root)


def _read_answers(path: Path) -> dict[str, Any]:
    import yaml

    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = getattr(exc, "strerror", None) or getattr(exc, "problem", None) or type(exc).__name__
        raise ScaffoldError(f"Could not read {path}: {reason}.") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ScaffoldError(f"Could not read {path}: expected a mapping of answers.")
    return {str(key): value for key, value in loaded.items()}


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(item) for item in value)
    return (str(value),)


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)
