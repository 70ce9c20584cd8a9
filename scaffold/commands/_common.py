"""Options and checks shared by the commands that run inside a generated project."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import TargetNotEnabled
from ..project import Project
from ..targets import try_commands

F = TypeVar("F", bound=Callable[..., Any])


def project_option(command: F) -> F:
    """``--project DIR``: run against the project at (or above) DIR instead of the current directory."""
    decorator = click.option(
        "--project",
        "project_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        metavar="DIR",
        help="Use the project at (or above) DIR instead of the one around the current directory.",
    )
    return decorator(command)


def only_target(project: Project, among: Collection[str], choose: str) -> str:
    """The project's one target among ``among``, for a command whose ``--target`` was left out; more or none
    is a usage error: ``Choose <choose> with --target a|b``."""
    candidates = [name for name in project.targets if name in among]
    if len(candidates) == 1:
        return candidates[0]
    raise click.UsageError(f"Choose {choose} with --target {'|'.join(candidates or among)}.")


def require_target(project: Project, target: str) -> None:
    if project.has_target(target):
        return
    enabled = ", ".join(project.targets) or "none"
    alternatives = try_commands(project.targets)
    hint = f" Try: {' or '.join(alternatives)}." if alternatives else ""
    raise TargetNotEnabled(
        f"{project.project_name} was not generated with the '{target}' target (its targets: {enabled}).{hint}"
    )
