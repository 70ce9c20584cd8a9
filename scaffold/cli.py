"""The ``scaffold`` command: a click group that only wires the per-command modules together.

Importing this module must stay cheap (click and the standard library): each command's module is imported
only when that command runs (or help lists it), so ``scaffold new`` does not pay for the deploy code's
imports (pydantic settings, boto3 helpers), and copier, httpx and the project's own code are imported
inside the commands that use them.
"""

from __future__ import annotations

import gc
import importlib

import click

from . import __version__
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


#: Command name -> "module:attribute" under scaffold.commands, in the order help lists them (the order they
#: are used: new, run, serve, invoke first). tests/cli/test_exit_codes.py checks every entry loads.
COMMANDS: dict[str, str] = {
    "new": "new:new",
    "run": "run:run",
    "serve": "serve:serve",
    "dev": "dev:dev",
    "invoke": "invoke:invoke_command",
    "eval": "eval:eval_command",
    "loadtest": "loadtest:loadtest",
    "package": "package:package",
    "deploy": "deploy:deploy",
    "promote": "promote:promote",
    "status": "status:status",
    "logs": "logs:logs",
    "rollback": "rollback:rollback",
    "destroy": "destroy:destroy",
    "target": "target:target",
    "configure": "configure:configure",
    "update": "update:update",
    "check-update": "update:check_update",
    "template": "template:template",
    "ci": "ci:ci",
    "runtime": "runtime:runtime",
}


def load_command(name: str) -> click.Command:
    """Import the command ``name`` from its module and append its exit codes to its help."""
    module_name, attribute = COMMANDS[name].split(":")
    module = importlib.import_module(f".commands.{module_name}", __package__)
    command: click.Command = getattr(module, attribute)
    if name in COMMAND_CODES:  # every command is (tests/cli/test_exit_codes.py); never fail at import
        command.epilog = "\n\n".join(part for part in (command.epilog, exit_codes_help(name)) if part)
    return command


class _Failure(click.ClickException):
    """How click reports a scaffold error: ``Error: <message>`` on stderr, then exit with ``code``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.exit_code = code  # type: ignore[misc]  # click reads it per instance; its stub says class


class ScaffoldGroup(click.Group):
    """Lists commands in the order they are used (new, run, serve, invoke), not alphabetically, imports each
    one when it is first asked for (``COMMANDS``), and is the one place where scaffold's errors become
    click's: ``Error: <message>`` on stderr and the exit code the table in ``scaffold.exit_codes`` gives."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

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


def main() -> None:
    try:
        cli(prog_name="scaffold")
    finally:
        # The process ends here: spare the interpreter's last collection over every object still alive (about
        # 60 ms after `scaffold new` has imported copier). atexit handlers and weakref finalizers still run.
        gc.freeze()
