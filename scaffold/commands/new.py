"""``scaffold new``: generate a project from the template, atomically, with next steps or JSON."""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..data_args import build_answers
from ..names import validate_project_name
from ..project import Project, load_project
from ..rendering import create_project
from ..targets import try_commands
from ..templates import resolve_template

EPILOG = """\b
Examples:
  scaffold new weather-agent                       # ask the template's questions (in a terminal)
  scaffold new weather-agent --defaults            # every default: offline model, all targets
  scaffold new weather-agent -t local -t agentcore --data model_provider=bedrock
  scaffold new weather-agent --data targets='[local,lambda]' --output ~/src --json

\b
Exit codes: 0 created; 2 bad name, answer or occupied destination (nothing is written);
1 the template failed; 130 cancelled."""


@click.command("new", epilog=EPILOG, short_help="Create a project from the agent template.")
@click.argument("name")
@click.option("--defaults", is_flag=True, help="Use the template's default for every question not answered.")
@click.option(
    "--data",
    "-d",
    "data_items",
    multiple=True,
    metavar="KEY=VALUE",
    help="Answer a template question; repeatable. Lists use YAML: targets='[local,lambda]'.",
)
@click.option(
    "--target",
    "-t",
    "targets",
    multiple=True,
    metavar="TARGET",
    help="Add a deployment target (local, agentcore, fastapi, lambda); repeatable. Sets 'targets'.",
)
@click.option("--template", "template_source", metavar="SRC", help="A copier template path or git URL.")
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    metavar="DIR",
    help="Parent directory; the project goes to DIR/NAME.  [default: current directory]",
)
@click.option("--json", "as_json", is_flag=True, help='Print {"path", "package", "answers"} as JSON.')
def new(
    name: str,
    defaults: bool,
    data_items: Sequence[str],
    targets: Sequence[str],
    template_source: str | None,
    output: Path,
    as_json: bool,
) -> None:
    """Create the project NAME from the agent template.

    NAME is 2-40 lowercase letters, digits and single hyphens, starting with a letter
    (the package is NAME with '-' turned into '_'). Without --defaults, questions are
    asked interactively when run in a terminal, and take their defaults otherwise.
    """
    validate_project_name(name)
    data = build_answers(name, data_items, targets)
    template = resolve_template(template_source)
    destination = output.absolute() / name
    interactive = not defaults and sys.stdin.isatty() and sys.stdout.isatty()
    create_project(template, destination, data, use_defaults=not interactive)
    project = load_project(destination)
    if as_json:
        click.echo(json.dumps(json_summary(project), indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(next_steps(project))


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
