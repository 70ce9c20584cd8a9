"""``scaffold promote``: deploy to one environment the exact artifact another one runs."""

from __future__ import annotations

import click

from ..deploy import cli_options
from ..project import Project

EPILOG = """\b
Examples:
  scaffold promote --from staging --to prod             # staging's artifact, to prod
  scaffold promote --from staging --to prod --plan      # what would change (the digest included)
  scaffold promote --from staging --to prod -t lambda --yes --json
  scaffold promote --from staging --to prod --rebuild   # the code changed: build it for prod

\b
Build once, promote: prod gets the artifact (sha256) staging runs, from this machine's build
folder or staging's code bucket, checked against the recorded digest; fastapi gets staging's image.
When the project's code differs from what staging runs, promote refuses: deploy and test staging
first, or pass --rebuild. Environments: environments.toml (docs/environments.md)."""


@click.command("promote", epilog=EPILOG, short_help="Deploy one environment's artifact to another.")
@click.option(
    "--from", "from_env", required=True, metavar="ENV", help="The environment whose artifact to take."
)
@click.option("--to", "to_env", required=True, metavar="ENV", help="The environment to deploy it to.")
@cli_options.located_target(help="The target to promote (default: the project's only deployable target).")
@click.option("--rebuild", is_flag=True, help="Build the project's current code instead (after a change).")
@cli_options.plan_options()
@cli_options.connection_options
@cli_options.json_option
def promote(
    project: Project,
    from_env: str,
    to_env: str,
    target: str,
    rebuild: bool,
    plan_only: bool,
    profile: str | None,
    endpoint_url: str | None,
    confirm: cli_options.Confirm,
    as_json: bool,
) -> None:
    """Deploy the artifact environment --from runs to environment --to, unchanged."""
    from ..deploy.engine import AwsOptions
    from ..deploy.promote import promote as run_promote

    outcome = cli_options.run_with_progress(
        run_promote,
        project,
        target,
        from_env,
        to_env,
        AwsOptions(profile=profile, endpoint_url=endpoint_url),
        rebuild=rebuild,
        plan_only=plan_only,
        confirm=confirm,
        quiet=as_json and plan_only,
        cancelled="Promote cancelled: every completed step is recorded; run it again to resume.",
    )
    if cli_options.echo_unless_applied(outcome, plan_only=plan_only, as_json=as_json, verb="promote to"):
        return
    digest = (outcome.plan.artifact or {}).get("sha256", "")
    what = f"artifact sha256:{digest}" if digest else "the image"
    click.echo(
        f"Promoted {project.project_name} ({target}) from {from_env} to {to_env} "
        f"in {outcome.duration_s:.1f} s: {what}; {outcome.plan.summary(done=True)}."
    )
    for name, value in outcome.outputs.items():
        click.echo(f"  {name}: {value}")
