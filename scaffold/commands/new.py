"""``scaffold new``: generate a project from the template, atomically, with next steps or JSON."""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import __version__
from ..answer_check import check_answers, questions_in
from ..data_args import build_answers
from ..names import validate_project_name
from ..project import Project, load_project
from ..rendering import create_project
from ..targets import try_commands
from ._common import dir_option

if TYPE_CHECKING:
    from ..lifecycle.sources import Resolved

EPILOG = """\b
Examples:
  scaffold new weather-agent                       # ask the template's questions (in a terminal)
  scaffold new weather-agent --defaults            # every default: offline model, all targets
  scaffold new weather-agent -t local -t agentcore --data model_provider=bedrock
  scaffold new weather-agent --defaults --data targets=local,lambda   # a list: YAML or comma-separated
  scaffold new weather-agent --data targets='[local,lambda]' --output ~/src --json
  scaffold new weather-agent --template ./acme-layer         # an organisation layer (docs/platform-teams.md)
  scaffold new weather-agent --template https://git.example.com/agent-template.git@v2.0.0

\b
The project gets its own git repository and a first commit (--no-git to skip), which target, configure
and update need; inside an existing repository (a monorepo) it is left for you to commit."""


@click.command("new", epilog=EPILOG, short_help="Create a project from the agent template.")
@click.argument("name")
@click.option("--defaults", is_flag=True, help="Use the template's default for every question not answered.")
@click.option(
    "--data",
    "-d",
    "data_items",
    multiple=True,
    metavar="KEY=VALUE",
    help="Answer a template question; repeatable. Lists: targets=local,lambda or targets='[local,lambda]'.",
)
@click.option(
    "--target",
    "-t",
    "targets",
    multiple=True,
    metavar="TARGET",
    help="Add a deployment target (local, agentcore, fastapi, lambda); repeatable. Sets 'targets'.",
)
@click.option(
    "--template",
    "template_source",
    metavar="SRC",
    help="builtin (default), or a copier template or organisation layer: a path or git URL[@REF].",
)
@click.option("--no-git", is_flag=True, help="Do not create a git repository and first commit.")
@dir_option(
    "--output",
    "-o",
    default=Path("."),
    help="Parent directory; the project goes to DIR/NAME.  [default: current directory]",
)
@click.option("--json", "as_json", is_flag=True, help='Print {"path", "package", "answers"} as JSON.')
def new(
    name: str,
    defaults: bool,
    data_items: Sequence[str],
    targets: Sequence[str],
    template_source: str | None,
    no_git: bool,
    output: Path,
    as_json: bool,
) -> None:
    """Create the project NAME from the agent template.

    NAME is 2-40 lowercase letters, digits and single hyphens, starting with a letter
    (the package is NAME with '-' turned into '_'). Without --defaults, questions are
    asked interactively when run in a terminal, and take their defaults otherwise.
    """
    from ..lifecycle.cache import scaffold_urls
    from ..lifecycle.newgit import git_plan, initial_commit
    from ..lifecycle.record import record_source
    from ..lifecycle.sources import check_forced, resolve_new

    validate_project_name(name)
    data = build_answers(name, data_items, targets)
    destination = output.absolute() / name
    plan = git_plan(destination, enabled=not no_git)
    template = resolve_new(template_source)
    check_forced(template.forced, data, template.display)
    data = check_answers({**template.forced, **data}, _questions(template))
    interactive = not defaults and sys.stdin.isatty() and sys.stdout.isatty()
    message = f"Create {name} with agent-scaffold {__version__} ({template.display})"

    def finalize(staging: Path) -> None:
        if template.plain_copy is not None and template.vcs_ref is not None:
            record_source(staging, template.src_path, template.vcs_ref)
        if plan.init:
            initial_commit(staging, message)

    with scaffold_urls():
        create_project(
            str(template.plain_copy or template.src_path),
            destination,
            data,
            use_defaults=not interactive,
            vcs_ref=None if template.plain_copy else template.vcs_ref,
            display=template.display,
            finalize=finalize,
            plain_directory=template.plain_copy is not None,
        )
    project = load_project(destination)
    for note in unset_settings(project.answers):
        click.echo(f"Note: {note}", err=True)
    if as_json:
        summary = {**json_summary(project), "template": template.display, "git": plan.state}
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(next_steps(project))
        click.echo(plan.note(name))


def _questions(template: Resolved) -> dict[str, Any]:
    """The template's questions where a local copy is at hand (a remote template is not fetched twice)."""
    local = template.plain_copy or Path(template.src_path)
    return questions_in(local) if local.is_dir() else {}


# An answer that needs a follow-up setting: (question, value) -> (setting answer, run-time variable).
_FOLLOW_UPS = {
    ("memory", "s3"): ("session_bucket", "AGENT_SESSION_BUCKET"),
    ("memory", "agentcore"): ("memory_id", "AGENT_MEMORY_ID"),
    ("guardrails", "bedrock"): ("guardrail_id", "AGENT_GUARDRAIL_ID"),
}


def unset_settings(answers: Mapping[str, Any]) -> list[str]:
    """One sentence per answer whose setting was left empty: the agent refuses to start until it is set."""
    notes = []
    for (question, value), (setting, variable) in _FOLLOW_UPS.items():
        if answers.get(question) == value and not str(answers.get(setting) or "").strip():
            notes.append(
                f"{question}={value} has no {setting}: the agent will not start until {variable} is set "
                f"(or run `scaffold configure {setting}=...`)."
            )
    return notes


def json_summary(project: Project) -> dict[str, Any]:
    return {"path": str(project.root), "package": project.package_name, "answers": project.public_answers}


def next_steps(project: Project) -> str:
    details = [f"package {project.package_name}", f"targets: {', '.join(project.targets) or 'none'}"]
    if project.model_provider:
        details.append(f"model: {project.model_provider}")
    lines = [f"Created {project.project_name} in {project.root} ({'; '.join(details)})", "", "Next steps:"]
    lines.append(f"  cd {shlex.quote(_display_path(project.root))}")
    lines.extend(f"  {command}" for command in try_commands(project.targets))
    return "\n".join(lines)


def _display_path(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if not relative.startswith(os.pardir) else str(path)
