"""Options shared by the commands (paths, the project), and the checks of those that run inside a project."""

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


def dir_option(*decls: str, help: str, **options: Any) -> Callable[[F], F]:
    """An option naming a directory (``--out DIR``): it may not exist yet; a file there is a usage error."""
    kind = click.Path(file_okay=False, path_type=Path)
    return click.option(*decls, type=kind, metavar="DIR", help=help, **options)


def file_option(*decls: str, help: str, exists: bool = False, **options: Any) -> Callable[[F], F]:
    """An option naming a file (``--junit FILE``); with ``exists`` one to read, which must be there."""
    kind = click.Path(exists=exists, dir_okay=False, path_type=Path)
    return click.option(*decls, type=kind, metavar="FILE", help=help, **options)


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
