"""``scaffold target add|remove|list``: change the project's compute targets through copier's update."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import BadInput
from ..project import Project, locate_project
from ..targets import TARGETS
from ._common import project_option

F = TypeVar("F", bound=Callable[..., Any])

GROUP_EPILOG = """\b
Examples:
  scaffold target list                      # targets, and which are deployed
  scaffold target add lambda                # adds the Lambda entrypoint and its tests
  scaffold target remove fastapi --dry-run  # what would go, without changing anything

\b
add and remove re-render the project at its current template version with the new targets and
merge only that difference (copier update), so your edits elsewhere stay as they are. The project
must be committed in git with no uncommitted changes."""


@click.group("target", epilog=GROUP_EPILOG, short_help="List, add or remove compute targets.")
def target() -> None:
    """List, add or remove the project's compute targets (local, agentcore, fastapi, lambda)."""


@target.command(
    "list",
    epilog="\b\nExamples:\n  scaffold target list\n  scaffold target list --json --project services/agent",
    short_help="Show the targets and whether each is deployed.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the targets as JSON.")
@project_option
def list_targets(as_json: bool, project_dir: Path | None) -> None:
    """Show the project's targets; deployed = .scaffold/state/<target>.json records resources."""
    from ..lifecycle.deployed import deployment

    project = locate_project(project_dir)
    rows = [deployment(project.root, name) for name in project.targets]
    available = [name for name in TARGETS if name not in project.targets]
    if as_json:
        entries = [
            {"name": d.target, "deployed": d.deployed, "resources": d.resources, "problem": d.problem}
            for d in rows
        ]
        click.echo(json.dumps({"project": project.project_name, "targets": entries, "available": available}))
        return
    click.echo(f"Targets of {project.project_name}:")
    width = max((len(d.target) for d in rows), default=0)
    for row in rows:
        click.echo(f"  {row.target.ljust(width)}  {row.label}")
    if available:
        click.echo(f"Not enabled: {', '.join(available)} (scaffold target add NAME)")


def _common_options(command: F) -> F:
    options = [
        click.option(
            "--trust", is_flag=True, help="Allow a non-built-in template to run its tasks/migrations."
        ),
        click.option("--dry-run", is_flag=True, help="Show what would change; change nothing."),
        click.option("--json", "as_json", is_flag=True, help="Print the changed files as JSON."),
    ]
    for option in reversed(options):
        command = option(command)
    return project_option(command)


@target.command("add", short_help="Add compute targets.")
@click.argument("names", nargs=-1, required=True, metavar="TARGET...")
@_common_options
def add(names: Sequence[str], trust: bool, dry_run: bool, as_json: bool, project_dir: Path | None) -> None:
    """Add TARGET (local, agentcore, fastapi, lambda): its entrypoint and tests appear, your edits stay.

    \b
    Example: scaffold target add lambda
    """
    project = locate_project(project_dir)
    _check_names(names)
    new = [name for name in names if name not in project.targets]
    if not new:
        click.echo(f"{project.project_name} already has {', '.join(names)}; nothing to do.")
        return
    what = f"{', '.join(new)} to {project.project_name}"
    _change(
        project, [*project.targets, *new], (f"Added {what}", f"add {what}"), dry_run, as_json, trust=trust
    )


@target.command("remove", short_help="Remove compute targets.")
@click.argument("names", nargs=-1, required=True, metavar="TARGET...")
@click.option(
    "--force", is_flag=True, help="Remove even if still deployed (its cloud resources stay; you delete them)."
)
@_common_options
def remove(
    names: Sequence[str], force: bool, trust: bool, dry_run: bool, as_json: bool, project_dir: Path | None
) -> None:
    """Remove TARGET: its entrypoint and tests go. Refused while it is deployed (see scaffold destroy).

    \b
    Examples:
      scaffold target remove lambda
      scaffold target remove lambda --force   # deployed, and its resources are to stay
    """
    project = locate_project(project_dir)
    _check_names(names)
    absent = [name for name in names if name not in project.targets]
    if absent:
        raise BadInput(
            f"{project.project_name} has no target {absent[0]} (its targets: {', '.join(project.targets)})."
        )
    kept = [name for name in project.targets if name not in names]
    if not kept:
        raise BadInput("A project needs at least one target; add another before removing the last one.")
    what = f"{', '.join(names)} from {project.project_name}"
    _change(project, kept, (f"Removed {what}", f"remove {what}"), dry_run, as_json, force=force, trust=trust)


def _check_names(names: Sequence[str]) -> None:
    unknown = [name for name in names if name not in TARGETS]
    if unknown:
        raise BadInput(f"Unknown target {unknown[0]!r}; choose from: {', '.join(TARGETS)}.")


def _change(
    project: Project,
    targets: list[str],
    action: tuple[str, str],
    dry_run: bool,
    as_json: bool,
    *,
    force: bool = False,
    trust: bool = False,
) -> None:
    from ..lifecycle.changes import change_answers
    from ..lifecycle.report import describe, raise_for_conflicts

    outcome = change_answers(
        project,
        {"targets": targets},
        force=force,
        trust=trust,
        dry_run=dry_run,
        progress=lambda message: click.echo(message, err=True),
        warn=lambda message: click.echo(message, err=True),
    )
    click.echo(json.dumps(outcome.to_json(), indent=2) if as_json else describe(outcome, *action))
    raise_for_conflicts(outcome)
