"""The ``scaffold`` command: a click group that only wires the per-command modules together.

Importing this module must stay cheap (click and the standard library): copier, httpx and the project's own
code are imported inside the commands that use them.
"""

from __future__ import annotations

import click

from . import __version__
from .commands.ci import ci
from .commands.configure import configure
from .commands.deploy import deploy
from .commands.destroy import destroy
from .commands.dev import dev
from .commands.eval import eval_command
from .commands.invoke import invoke_command
from .commands.loadtest import loadtest
from .commands.logs import logs
from .commands.new import new
from .commands.package import package
from .commands.promote import promote
from .commands.rollback import rollback
from .commands.run import run
from .commands.runtime import runtime
from .commands.serve import serve
from .commands.status import status
from .commands.target import target
from .commands.template import template
from .commands.update import check_update, update
from .errors import ScaffoldError
from .exit_codes import COMMAND_CODES, exit_code_for, exit_codes_help

EPILOG = f"""\b
Examples:
  scaffold new weather-agent --defaults       # create a project (offline model, no credentials)
  cd weather-agent
  scaffold run "What can you do?"             # one reply in this terminal
  scaffold serve --target agentcore           # serve it on http://127.0.0.1:8080
  scaffold invoke "Hello" --url :8080         # call the running server

\b
run and serve work from anywhere inside a project (found through .copier-answers.yml);
pass --project DIR to use another one. `scaffold COMMAND --help` shows more examples.

{exit_codes_help(None)}
Each command's --help lists the codes it can return."""


class _Failure(click.ClickException):
    """How click reports a scaffold error: ``Error: <message>`` on stderr, then exit with ``code``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.exit_code = code  # type: ignore[misc]  # click reads it per instance; its stub says class


class ScaffoldGroup(click.Group):
    """Lists commands in the order they are used (new, run, serve, invoke), not alphabetically, and is the
    one place where scaffold's errors become click's: ``Error: <message>`` on stderr and the exit code the
    table in ``scaffold.exit_codes`` gives the error."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ScaffoldError as error:
            raise _Failure(error.message, exit_code_for(error)) from None


@click.group(
    cls=ScaffoldGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EPILOG,
)
@click.version_option(__version__, "--version", "-V", prog_name="scaffold")
def cli() -> None:
    """Create, run and serve Strands agents: one portable core, thin adapters per target."""


for _command in (new, run, serve, dev, invoke_command, eval_command, loadtest):
    cli.add_command(_command)
for _command in (package, deploy, promote, status, logs, rollback, destroy):
    cli.add_command(_command)
for _command in (target, configure, update, check_update, template, ci, runtime):
    cli.add_command(_command)
for _name, _command in cli.commands.items():
    if _name in COMMAND_CODES:  # every command is (tests/cli/test_exit_codes.py); never fail at import
        _command.epilog = "\n\n".join(part for part in (_command.epilog, exit_codes_help(_name)) if part)


def main() -> None:
    cli(prog_name="scaffold")
