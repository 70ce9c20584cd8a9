"""``scaffold deploy``: build the project, plan against what is recorded and what AWS reports, apply."""

from __future__ import annotations

import click

from ..deploy import cli_options
from ..deploy.options import AwsOptions
from ..project import Project

EPILOG = """\b
Examples:
  scaffold deploy --target lambda              # build, plan, apply; prints the Function URL
  scaffold deploy --target agentcore --plan    # show what would change; change nothing
  scaffold deploy -t lambda --plan --offline   # the same from the recorded state alone (CI review)
  scaffold deploy -t fastapi --image 123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:v1
  scaffold deploy -t lambda --region eu-west-1 --profile prod --json
  scaffold deploy -t lambda --env staging      # an environment of environments.toml

\b
What was created is recorded in .scaffold/state/<target>.json (dev) or .scaffold/state/<env>/. A
rerun after a failure resumes where it stopped; a rerun with no change makes no change in AWS. Plans
that delete something ask first (--yes skips the question). Settings: [tool.scaffold.deploy.<target>]
in pyproject.toml, per environment in environments.toml (docs/environments.md)."""


@click.command("deploy", epilog=EPILOG, short_help="Deploy the agent to AWS (lambda, agentcore or fastapi).")
@cli_options.located_target(help="Where to deploy.")
@cli_options.plan_options()
@click.option(
    "--offline",
    is_flag=True,
    help="With --plan: plan from the recorded state alone, no AWS call (also when no credentials are found).",
)
@click.option(
    "--image",
    metavar="URI",
    help="fastapi: run this image (ECR, this account and Region) instead of the image setting.",
)
@cli_options.aws_options
@cli_options.json_option
def deploy(
    project: Project,
    target: str,
    plan_only: bool,
    offline: bool,
    image: str | None,
    aws: AwsOptions,
    confirm: cli_options.Confirm,
    as_json: bool,
) -> None:
    """Deploy the project's agent to a target on AWS and record what was created."""
    from ..deploy.engine import deploy as run_deploy

    if offline and not plan_only:
        raise click.UsageError("--offline plans only: use it with --plan.")
    outcome = cli_options.run_with_progress(
        run_deploy,
        project,
        target,
        aws,
        plan_only=plan_only,
        offline=offline,
        confirm=confirm,
        overrides={"image": image} if image else None,
        quiet=as_json and plan_only,
        cancelled="Deploy cancelled: every completed step is recorded; run it again to resume.",
    )
    if outcome.notice:
        click.echo(outcome.notice, err=True)
    if cli_options.echo_unless_applied(outcome, plan_only=plan_only, as_json=as_json):
        return
    click.echo(
        f"Deployed {project.project_name} ({target}, environment {aws.environment}) "
        f"in {outcome.duration_s:.1f} s: {outcome.plan.summary(done=True)}."
    )
    for name, value in outcome.outputs.items():
        click.echo(f"  {name}: {value}")
    where = "" if aws.environment == "dev" else f" --env {aws.environment}"
    click.echo(f'Try: scaffold invoke --target {target}{where} "Hello"')
