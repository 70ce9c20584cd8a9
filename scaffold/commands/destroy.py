"""``scaffold destroy``: delete everything scaffold created for a target, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..deploy.cli_options import aws_options, choose_target, confirmation, json_option, target_option
from ..deploy.options import AwsOptions
from ..errors import Interrupted
from ..project import locate_project
from ._common import project_option

EPILOG = """\b
Examples:
  scaffold destroy --target lambda             # shows what goes, asks, deletes
  scaffold destroy -t agentcore --yes --json   # no question (scripts, CI)
  scaffold destroy -t lambda --plan            # only show what would be deleted

\b
Deletes what .scaffold/state/<target>.json records, plus resources an interrupted deploy left
behind (found by name and by this project's tags); never a resource without them. The session
bucket and a memory id you configured yourself are not scaffold's, so they stay."""


@click.command("destroy", epilog=EPILOG, short_help="Delete what scaffold deployed for a target.")
@target_option()
@click.option("--plan", "plan_only", is_flag=True, help="Print what would be deleted; delete nothing.")
@aws_options
@click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
@json_option
@project_option
def destroy(
    target: str | None,
    plan_only: bool,
    aws: AwsOptions,
    yes: bool,
    as_json: bool,
    project_dir: Path | None,
) -> None:
    """Delete every resource scaffold created for a target, then its recorded state."""
    from ..deploy.engine import destroy as run_destroy
    from ..deploy.progress import Progress

    project = locate_project(project_dir)
    target = choose_target(project, target)
    progress = Progress(quiet=as_json and plan_only)
    try:
        outcome = run_destroy(
            project,
            target,
            aws,
            plan_only=plan_only,
            confirm=confirmation(yes, "Delete these resources?"),
            progress=progress,
        )
    except KeyboardInterrupt:
        raise Interrupted(
            "Destroy cancelled: what was deleted is recorded; run it again to finish."
        ) from None
    if as_json:
        click.echo(json.dumps(outcome.to_json(), indent=2))
    elif plan_only:
        click.echo(outcome.plan.render("destroy"))
    elif not outcome.applied:
        click.echo("Not applied: nothing was deleted.", err=True)
    else:
        deleted = len(outcome.plan.changes)
        click.echo(
            f"Destroyed {project.project_name} ({target}): {deleted} resource(s) deleted "
            f"in {outcome.duration_s:.1f} s."
        )
