"""``scaffold rollback``: point the deployed Lambda function's alias back at an earlier version."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..deploy.cli_options import aws_options, json_option
from ..deploy.options import AwsOptions
from ..project import locate_project
from ._common import project_option

EPILOG = """\b
Examples:
  scaffold rollback --target lambda             # the alias goes back one published version
  scaffold rollback -t lambda --to 3 --json     # to version 3

\b
Nothing is rebuilt: callers reach the function through its `live` alias, which now points at a
version published earlier (with SnapStart, already snapshotted). `scaffold status` reports the
alias as drift until the next `scaffold deploy`, which moves it forward again."""


@click.command("rollback", epilog=EPILOG, short_help="Point a deployed Lambda's alias at an earlier version.")
@click.option(
    "--target", "-t", type=click.Choice(["lambda"]), default="lambda", show_default=True, help="The target."
)
@click.option("--to", "to_version", metavar="VERSION", help="The version to serve (default: the one before).")
@aws_options
@json_option
@project_option
def rollback(
    target: str,
    to_version: str | None,
    aws: AwsOptions,
    as_json: bool,
    project_dir: Path | None,
) -> None:
    """Serve an earlier published version of the deployed Lambda function."""
    from ..deploy.rollback import rollback as run_rollback

    project = locate_project(project_dir)
    done = run_rollback(project, target, aws, to_version)
    if as_json:
        click.echo(json.dumps(done.to_json()))
    elif done.from_version == done.to_version:
        click.echo(f"The {done.alias} alias already serves version {done.to_version}; nothing changed.")
    else:
        click.echo(
            f"The {done.alias} alias now serves version {done.to_version} (was {done.from_version}). "
            "Run `scaffold deploy` to roll forward."
        )
