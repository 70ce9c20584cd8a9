"""``scaffold logs``: read the deployed target's CloudWatch logs."""

from __future__ import annotations

import json

import click

from ..deploy.cli_options import aws_options, json_option, located_target
from ..deploy.options import AwsOptions
from ..project import Project

EPILOG = """\b
Examples:
  scaffold logs --target lambda                    # the last hour
  scaffold logs -t agentcore --since 10m --follow  # keep printing new lines (Ctrl-C stops)
  scaffold logs -t lambda --filter '"status": 500' --json

\b
With --json, events are JSON lines: {"timestamp", "stream", "message"}."""


@click.command("logs", epilog=EPILOG, short_help="Print the deployed target's CloudWatch logs.")
@located_target()
@click.option(
    "--since",
    default="1h",
    show_default=True,
    metavar="WHEN",
    help="A duration (30s, 10m, 2h, 1d) or an ISO time.",
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the newest N events.")
@click.option("--filter", "pattern", metavar="PATTERN", help="A CloudWatch Logs filter pattern.")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new events until Ctrl-C.")
@aws_options
@json_option
def logs(
    project: Project,
    target: str,
    since: str,
    limit: int | None,
    pattern: str | None,
    follow: bool,
    aws: AwsOptions,
    as_json: bool,
) -> None:
    """Print log events of the deployed TARGET, oldest first."""
    from ..deploy import logs as log_reader
    from ..deploy.engine import log_source

    start_ms = log_reader.since_ms(since)
    context, group = log_source(project, target, aws)
    events = log_reader.read_events(context, group, start_ms=start_ms, limit=limit, pattern=pattern)
    for event in events:
        click.echo(json.dumps(event.to_json(), ensure_ascii=False) if as_json else event.render())
    if not follow:
        if not events and not as_json:
            click.echo(f"No log events in {group} since {log_reader.iso(start_ms)}.", err=True)
        return
    latest = max((event.timestamp_ms for event in events), default=start_ms)
    try:
        for event in log_reader.follow(
            context, group, start_ms=latest, pattern=pattern, seen={e.event_id for e in events}
        ):
            click.echo(json.dumps(event.to_json(), ensure_ascii=False) if as_json else event.render())
    except KeyboardInterrupt:
        return
