"""``scaffold destroy``: delete everything scaffold created for a target, and nothing else."""

from __future__ import annotations

import json

import click

from ..deploy import cli_options
from ..deploy.options import AwsOptions
from ..project import Project

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
@cli_options.located_target()
@cli_options.plan_options(
    plan="Print what would be deleted; delete nothing.",
    yes="Delete without asking.",
    question="Delete these resources?",
)
@cli_options.aws_options
@cli_options.json_option
def destroy(
    project: Project,
    target: str,
    plan_only: bool,
    aws: AwsOptions,
    confirm: cli_options.Confirm,
    as_json: bool,
) -> None:
    """Delete every resource scaffold created for a target, then its recorded state."""
    from ..deploy.engine import destroy as run_destroy

    outcome = cli_options.run_with_progress(
        run_destroy,
        project,
        target,
        aws,
        plan_only=plan_only,
        confirm=confirm,
        quiet=as_json and plan_only,
        cancelled="Destroy cancelled: what was deleted is recorded; run it again to finish.",
    )
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
