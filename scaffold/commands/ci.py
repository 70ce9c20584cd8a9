"""``scaffold ci github``: GitHub Actions workflows (and, on request, the AWS OIDC role) for a project.

The work is in ``scaffold.ci``; this module maps options to it and reports which files were written,
left unchanged, or kept because the user edited them (``--force`` replaces those).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..project import Project, locate_project
from ._common import file_option, project_option

if TYPE_CHECKING:
    from ..environments.settings import IamGuardrails

EPILOG = """\b
Examples:
  scaffold ci github                                  # .github/workflows/scaffold-{test,deliver}.yml
  scaffold ci github --target lambda                  # the target CI deploys (agentcore or lambda)
  scaffold ci github --oidc-template ci-role.json --repo my-org/my-agent
  scaffold ci github --oidc-template ci-role.json --env prod   # with prod's IAM guardrails
  scaffold ci github --scaffold-install "pip install git+https://github.com/my-org/agent-scaffold@v0.1.0"
  scaffold ci github --force --json                   # replace edited files; {"files": [...]}

\b
Pull requests run the tests and, when evals/ has cases, `scaffold eval`. A push to main packages,
deploys to the "staging" environment and invokes it with "ping"; the "production" job promotes the
staging artifact after a reviewer approves (give the production environment required reviewers).
AWS access is GitHub OIDC: set the repository variable AWS_DEPLOY_ROLE_ARN to the role from the
--oidc-template stack. A workflow that exists with other content is kept unless --force; so is the
template file. See docs/ci.md."""


@click.group("ci", short_help="Generate a CI pipeline for the project.")
def ci() -> None:
    """Generate CI pipelines: GitHub Actions workflows and the AWS role they assume."""


@ci.command("github", epilog=EPILOG, short_help="GitHub Actions: test, stage, promote.")
@click.option("--target", "-t", type=click.Choice(["agentcore", "lambda"]), help="The target CI deploys.")
@click.option("--scaffold-install", metavar="COMMAND", help="How CI installs agent-scaffold.")
@file_option(
    "--oidc-template",
    help="Also write a CloudFormation template for the GitHub OIDC provider and the deploy role.",
)
@click.option("--repo", metavar="OWNER/NAME", help="Default GitHubRepository of the OIDC template.")
@click.option(
    "--env",
    "env_name",
    metavar="NAME",
    help="OIDC template: this environment's IAM guardrails (boundary, role path and prefix).  "
    "[default: the organisation layer's, if it forces any]",
)
@click.option("--force", is_flag=True, help="Replace files that were edited since they were generated.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@project_option
def github(
    target: str | None,
    scaffold_install: str | None,
    oidc_template: Path | None,
    repo: str | None,
    env_name: str | None,
    force: bool,
    as_json: bool,
    project_dir: Path | None,
) -> None:
    """Write GitHub Actions workflows into the project's .github/workflows/ (and environments.toml with
    staging and prod, when the project has none)."""
    from ..ci import github as generator
    from ..ci import oidc_template as oidc

    if (repo or env_name) and oidc_template is None:
        raise click.UsageError(
            "--repo and --env shape the OIDC template: use them with --oidc-template FILE."
        )
    project = locate_project(project_dir)
    settings = generator.settings_from_answers(
        project.answers, target=target, scaffold_install=scaffold_install
    )
    workflows = generator.render_workflows(settings)
    role_template = None  # built before anything is written, so bad input leaves no file behind
    if oidc_template is not None:
        rails = _guardrails(project, env_name)
        body = oidc.build(project.project_name, project.package_name, settings.ci_target, repo, rails)
        role_template = (oidc_template.resolve(), oidc.to_text(body))
    outcomes = generator.write_workflows(project.root, workflows, force=force)
    environments = project.root / generator.ENVIRONMENTS_FILE
    if not environments.exists():  # the project's own settings: written when missing, never replaced
        outcomes.append(
            generator.write_unless_edited(environments, generator.render_environments(settings), force=False)
        )
    if role_template is not None:
        outcomes.append(generator.write_unless_edited(*role_template, force=force))
    files = [{"path": str(item.path), "outcome": item.outcome} for item in outcomes]
    if as_json:
        click.echo(json.dumps({"target": settings.ci_target, "files": files}, indent=2))
    else:
        for item in outcomes:
            click.echo(f"{item.outcome:<9} {_shown(item.path, project.root)}")
    kept = [item for item in outcomes if item.outcome == generator.KEPT]
    if kept:
        click.echo(f"{len(kept)} edited file(s) kept; rerun with --force to replace them.", err=True)


def _guardrails(project: Project, env_name: str | None) -> IamGuardrails:
    from ..environments.guardrails import effective_guardrails
    from ..environments.settings import load_environment

    environment = load_environment(project.root, env_name) if env_name is not None else None
    return effective_guardrails(project, environment)


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
