"""The ``scaffold`` command: a click group that only wires the per-command modules together.

Importing this module must stay cheap (click and the standard library): copier, httpx and the project's own
code are imported inside the commands that use them.
"""

from __future__ import annotations

import click

from . import __version__
from .commands.configure import configure
from .commands.deploy import deploy
from .commands.destroy import destroy
from .commands.invoke import invoke_command
from .commands.logs import logs
from .commands.new import new
from .commands.package import package
from .commands.run import run
from .commands.runtime import runtime
from .commands.serve import serve
from .commands.status import status
from .commands.target import target
from .commands.template import template
from .commands.update import check_update, update

EPILOG = """\b
Examples:
  scaffold new weather-agent --defaults       # create a project (offline model, no credentials)
  cd weather-agent
  scaffold run "What can you do?"             # one reply in this terminal
  scaffold serve --target agentcore           # serve it on http://127.0.0.1:8080
  scaffold invoke "Hello" --url :8080         # call the running server

\b
run and serve work from anywhere inside a project (found through .copier-answers.yml);
pass --project DIR to use another one. `scaffold COMMAND --help` shows more examples.

\b
Exit codes: 0 success; 1 failure (server error, broken template, no connection, AWS call);
2 bad input (name, answer, options, not inside a project); 3 artifact over a size limit;
4 build tool missing; 5 not deployed; 6 deploy locked; 7 name taken by another resource;
8 no AWS credentials; 9 not ready in time; 10 target cannot be deployed; 11 drift; 130 cancelled."""


class _CommandsInWorkflowOrder(click.Group):
    """List commands in the order they are used (new, run, serve, invoke), not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(
    cls=_CommandsInWorkflowOrder,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EPILOG,
)
@click.version_option(__version__, "--version", "-V", prog_name="scaffold")
def cli() -> None:
    """Create, run and serve Strands agents: one portable core, thin adapters per target."""


for _command in (new, run, serve, invoke_command, package, deploy, status, logs, destroy):
    cli.add_command(_command)
for _command in (target, configure, update, check_update, template, runtime):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="scaffold")
