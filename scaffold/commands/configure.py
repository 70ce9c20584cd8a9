"""``scaffold configure key=value ...``: change any template answer later, through copier's update."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..data_args import parse_data
from ..project import locate_project
from ._common import project_option

if TYPE_CHECKING:
    from ..lifecycle.questionnaire import Missing

EPILOG = """\b
Examples:
  scaffold configure memory=s3 session_bucket=my-sessions
  scaffold configure auth=jwt jwt_discovery_url=https://issuer/.well-known/openid-configuration \\
      jwt_allowed_clients=my-client
  scaffold configure guardrails=local --dry-run       # what would change, changing nothing
  scaffold configure targets='[local,lambda]'         # same as scaffold target add/remove

\b
The project is re-rendered at its current template version with the new answers and only the
difference is merged (copier update): your edits stay, conflicts are marked inline and listed.
The project must be committed in git with no uncommitted changes. An answer that makes new
questions relevant (auth=jwt) needs their answers: in a terminal you are asked for them, otherwise
pass them in the same command (the error lists every missing one). A list question also takes a bare
value or a comma-separated list: targets=local, targets=local,lambda."""


@click.command("configure", epilog=EPILOG, short_help="Change template answers (auth, memory, ...).")
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
@click.option("--force", is_flag=True, help="Allow removing a deployed target (its cloud resources stay).")
@click.option("--trust", is_flag=True, help="Allow a non-built-in template to run its tasks/migrations.")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the changed files as JSON.")
@project_option
def configure(
    assignments: Sequence[str],
    force: bool,
    trust: bool,
    dry_run: bool,
    as_json: bool,
    project_dir: Path | None,
) -> None:
    """Set template answers (KEY=VALUE; lists as YAML: targets='[local,lambda]') and update the project."""
    from ..lifecycle.changes import change_answers, requested_answers
    from ..lifecycle.report import describe, raise_for_conflicts

    project = locate_project(project_dir)
    interactive = not as_json and sys.stdin.isatty() and sys.stdout.isatty()
    data = requested_answers(project, parse_data(assignments), ask=_prompt if interactive else None)
    changes = {key: value for key, value in data.items() if project.answers.get(key) != value}
    if not changes:
        click.echo(f"{project.project_name} already has {', '.join(assignments)}; nothing to change.")
        return
    outcome = change_answers(
        project,
        data,
        force=force,
        trust=trust,
        dry_run=dry_run,
        progress=lambda message: click.echo(message, err=True),
        warn=lambda message: click.echo(message, err=True),
    )
    settings = ", ".join(f"{key}={value}" for key, value in changes.items())
    click.echo(
        json.dumps(outcome.to_json(), indent=2)
        if as_json
        else describe(outcome, f"Set {settings}", f"set {settings}")
    )
    raise_for_conflicts(outcome)


def _prompt(missing: Missing, help_text: str) -> str:
    """Ask for one answer the change needs, in the terminal: why first, then the question's help."""
    click.echo(f"{missing.question}: {missing.reason}.", err=True)
    return str(click.prompt(help_text or missing.question, default="", show_default=False, err=True))
