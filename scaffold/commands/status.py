"""``scaffold status``: what is deployed for a target, as AWS reports it now."""

from __future__ import annotations

import json

import click

from ..deploy.cli_options import aws_options, json_option, located_target
from ..deploy.errors import NotDeployed
from ..deploy.options import AwsOptions
from ..errors import ExitCode
from ..project import Project

EPILOG = """\b
Examples:
  scaffold status --target lambda
  scaffold status -t agentcore --json | jq .outputs

\b
Reads the recorded state (.scaffold/state/<target>.json) and asks AWS about each resource; changes
nothing. Exit 11 (drift) when something recorded is missing, failed or changed outside scaffold:
`scaffold deploy` repairs it."""


@click.command(
    "status", epilog=EPILOG, short_help="Show what is deployed for a target and whether it is healthy."
)
@located_target()
@aws_options
@json_option
def status(
    project: Project,
    target: str,
    aws: AwsOptions,
    as_json: bool,
) -> None:
    """Show the recorded deployment of a target and what AWS reports for each resource."""
    from ..deploy.status import status as read_status

    try:
        report = read_status(project, target, aws)
    except NotDeployed:
        if as_json:
            click.echo(json.dumps({"project": project.project_name, "target": target, "deployed": False}))
        raise
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        deployment = report.deployment
        health = "in sync" if report.in_sync else "NOT in sync: run scaffold deploy to repair"
        click.echo(
            f"{report.project} ({report.target}, environment {report.environment}) in {report.region}, "
            f"account {report.account_id}: {health}"
            f" (last deploy {deployment.get('status', '?')} {deployment.get('updated_at', '')})"
        )
        if deployment.get("error"):
            click.echo(f"  last error: {deployment['error']}")
        for resource in report.resources:
            state = resource.detail or "ok"
            click.echo(f"  {resource.kind:<20} {resource.name:<50} {state}")
        for name, value in report.outputs.items():
            click.echo(f"  {name}: {value}")
    if not report.in_sync:
        raise click.exceptions.Exit(ExitCode.DRIFT)
