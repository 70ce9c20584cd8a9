"""Options shared by the deploy commands (deploy, status, destroy, logs, invoke --target).

Importing this module stays cheap: no boto3, no deploy engine; the commands import those when they run.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast

import click

from ..commands._common import only_target, project_option
from ..errors import Interrupted
from ..project import Project, locate_project
from .options import AwsOptions
from .targets import DEPLOYERS

if TYPE_CHECKING:
    from .plan import Plan

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

DEPLOY_TARGETS = tuple(DEPLOYERS)


def target_option(*, required: bool = False, help: str = "The deployed target.") -> Callable[[F], F]:
    return click.option(
        "--target", "-t", "target", type=click.Choice(DEPLOY_TARGETS), required=required, help=help
    )


_ENVIRONMENT = click.option(
    "--env",
    "env",
    metavar="NAME",
    envvar="SCAFFOLD_ENV",
    default="dev",
    show_default=True,
    help="The environment (environments.toml; SCAFFOLD_ENV).",
)
_REGION = click.option(
    "--region",
    metavar="REGION",
    help="AWS region.  [default: the environment's, else the recorded one, else aws_region]",
)
_PROFILE = click.option("--profile", metavar="NAME", envvar="AWS_PROFILE", help="AWS profile (AWS_PROFILE).")
_ENDPOINT = click.option(
    "--endpoint-url",
    metavar="URL",
    envvar="AWS_ENDPOINT_URL",
    help="Send every AWS call to URL (AWS_ENDPOINT_URL): a VPC endpoint or an emulator.",
)


def aws_options(command: F) -> F:
    """``--env`` (environments.toml), then ``--region``, ``--profile``, ``--endpoint-url``: the standard AWS
    ways, nothing emulator-specific. The command receives them as one ``aws: AwsOptions``."""

    @functools.wraps(command)
    def with_aws(
        *args: Any, env: str, region: str | None, profile: str | None, endpoint_url: str | None, **kwargs: Any
    ) -> Any:
        return command(*args, aws=AwsOptions(region, profile, endpoint_url, env), **kwargs)

    return _apply(cast(F, with_aws), _ENVIRONMENT, _REGION, _PROFILE, _ENDPOINT)


def connection_options(command: F) -> F:
    """``--profile`` and ``--endpoint-url`` alone, for commands whose environments say where (promote)."""
    return _apply(command, _PROFILE, _ENDPOINT)


def _apply(command: F, *decorators: Callable[[F], F]) -> F:
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def token_option(help: str) -> Callable[[F], F]:
    """``--token JWT`` (``SCAFFOLD_BEARER_TOKEN``): the bearer token for an agent with ``auth=jwt``."""
    return click.option(
        "--token", envvar="SCAFFOLD_BEARER_TOKEN", metavar="JWT", help=f"{help} (SCAFFOLD_BEARER_TOKEN)."
    )


def json_option(command: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")(
        command
    )


def choose_target(project: Project, target: str | None) -> str:
    """``--target`` may be left out when the project has exactly one deployable target."""
    return target or only_target(project, DEPLOY_TARGETS, "a target")


def located_target(*, help: str = "The deployed target.") -> Callable[[F], F]:
    """``--target`` and ``--project DIR``, resolved before the command runs, as every command on one deployed
    target starts: it receives the located ``project`` and its ``target`` (``choose_target``)."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def with_project(*args: Any, target: str | None, project_dir: Path | None, **kwargs: Any) -> Any:
            project = locate_project(project_dir)
            return command(*args, project=project, target=choose_target(project, target), **kwargs)

        return _apply(cast(F, with_project), target_option(help=help), project_option)

    return decorate


def plan_options(
    *,
    plan: str = "Print the plan and change nothing.",
    yes: str = "Apply without asking, even when the plan deletes something.",
    question: str = "Apply this plan?",
) -> Callable[[F], F]:
    """``--plan`` (``plan_only``: show, change nothing) and ``--yes``, for every command that applies a plan.
    The command gets ``confirm``, what the engine asks before a plan that deletes (``confirmation``)."""

    def confirm(context: click.Context, parameter: click.Parameter, value: bool) -> Any:
        return confirmation(value, question)

    options = (
        click.option("--plan", "plan_only", is_flag=True, help=plan),
        click.option("--yes", "-y", "confirm", is_flag=True, callback=confirm, help=yes),
    )
    return lambda command: _apply(command, *options)


Confirm: TypeAlias = "Callable[[Plan], bool] | None"  # what the engine asks before a plan that deletes


def confirmation(yes: bool, question: str = "Apply this plan?") -> Confirm:
    """Ask on a terminal; ``--yes`` always agrees; elsewhere ``None`` (the engine then demands ``--yes``)."""
    if yes:
        return lambda plan: True
    if not sys.stdin.isatty():
        return None

    def ask(plan: Plan) -> bool:
        click.echo(plan.render(), err=True)
        return click.confirm(question, default=False, err=True)

    return ask


def run_with_progress(run: Callable[..., T], *args: Any, quiet: bool, cancelled: str, **kwargs: Any) -> T:
    """``run(*args, progress=..., **kwargs)``: an engine operation (deploy, promote, destroy) showing its
    steps on stderr; Ctrl-C ends it with the one line ``cancelled`` (what to do next), not a traceback."""
    from .progress import Progress

    try:
        return run(*args, progress=Progress(quiet=quiet), **kwargs)
    except KeyboardInterrupt:
        raise Interrupted(cancelled) from None


def echo_unless_applied(outcome: Any, *, plan_only: bool, as_json: bool, verb: str = "deploy") -> bool:
    """What deploy and promote print but the success lines: the JSON result, the plan, or "not applied".
    True when that was all there is to say."""
    if as_json:
        click.echo(json.dumps(outcome.plan.to_json() if plan_only else outcome.to_json(), indent=2))
        return True
    if plan_only:
        click.echo(outcome.plan.render(verb))
        return True
    if not outcome.applied:
        click.echo("Not applied: nothing was changed.", err=True)
        return True
    return False
