"""``scaffold run``: talk to the project's agent in this terminal through its ``local`` entrypoint."""

from __future__ import annotations

from pathlib import Path

import click

from ..project import locate_project
from ..project_process import launched, project_python, run_foreground
from ..targets import LOCAL_ENTRYPOINT, LOCAL_TARGET
from ._common import project_option, require_target

EPILOG = """\b
Examples:
  scaffold run "What is 2+2?"                 # one reply, then exit
  scaffold run                                # interactive chat; Ctrl-D to leave
  scaffold run "And times 3?" --session-id s1 # continue a session
  scaffold run "Hello" --json | jq .usage     # the full reply as JSON
  scaffold run "Hello" --debug                # the agent's JSON log and tracebacks on stderr

\b
Runs `python -m <package>.entrypoints.local` with the project's .venv interpreter when it has
one (else scaffold's), the project root on PYTHONPATH and as the working directory.
A failure is one `error:` line: a missing setting names its variable (exit 2), missing AWS
credentials say how to provide them; the details are in .scaffold/logs/local.log (or on stderr
with --debug). Exits with the agent's exit code."""


@click.command("run", epilog=EPILOG, short_help="Ask the agent in this terminal (local target).")
@click.argument("prompt", required=False)
@click.option("--session-id", metavar="ID", help="Continue (or name) a conversation session.")
@click.option("--user-id", metavar="ID", help="Who is asking; passed to the agent.")
@click.option("--json", "as_json", is_flag=True, help="Print the full reply as JSON (needs PROMPT).")
@click.option(
    "--debug",
    is_flag=True,
    help="Show the agent's JSON log (tracebacks too) on stderr, not in .scaffold/logs/local.log.",
)
@project_option
@click.pass_context
def run(
    ctx: click.Context,
    prompt: str | None,
    session_id: str | None,
    user_id: str | None,
    as_json: bool,
    debug: bool,
    project_dir: Path | None,
) -> None:
    """Ask the agent PROMPT, or chat interactively when PROMPT is left out."""
    if as_json and prompt is None:
        raise click.UsageError("--json prints one reply, so it needs a PROMPT.")
    project = locate_project(project_dir)
    require_target(project, LOCAL_TARGET)
    args = _option_args({"--session-id": session_id, "--user-id": user_id})
    if as_json:
        args.append("--json")
    if debug:
        args.append("--debug")
    if prompt is not None:
        args += ["--", prompt]  # a prompt such as "-1 + 2" must not be read as an option
    launcher_args = ["--debug"] if debug else []
    launcher_args += ["run", project.module(LOCAL_ENTRYPOINT), *args]
    ctx.exit(run_foreground(launched(project.root, project_python(project.root), launcher_args)))


def _option_args(options: dict[str, str | None]) -> list[str]:
    return [part for flag, value in options.items() if value is not None for part in (flag, value)]
