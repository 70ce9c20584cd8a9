"""``scaffold serve``: run the project's AgentCore or FastAPI app under uvicorn, as its deployment would."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import click

from ..errors import BadInput
from ..project import Project, locate_project
from ..project_process import launched, project_python, replace_process
from ..targets import SERVER_TARGETS, ServerTarget
from ._common import only_target, project_option, require_target

DEFAULT_HOST = "127.0.0.1"
_DEFAULT_PORTS = ", ".join(f"{name} {target.default_port}" for name, target in SERVER_TARGETS.items())

EPILOG = f"""\b
Examples:
  scaffold serve --target agentcore            # http://127.0.0.1:8080 (/invocations, /ping)
  scaffold serve --target fastapi --reload     # restart on code changes
  scaffold serve -t agentcore --host 0.0.0.0 --port 9000

\b
Then, from another terminal:
  scaffold invoke "Hello" --url http://127.0.0.1:8080

\b
Default ports: {_DEFAULT_PORTS}.
--target may be left out when the project has only one server target.
A project that cannot start (a bad AGENT_* value, a missing setting, a broken settings.py) is one
`Error:` line naming what to fix: exit 2 for a setting, 1 for the project's code (--debug: traceback)."""


@click.command("serve", epilog=EPILOG, short_help="Serve the agent over HTTP (agentcore or fastapi).")
@click.option(
    "--target", "-t", "target_name", type=click.Choice(sorted(SERVER_TARGETS)), help="Which app to serve."
)
@click.option(
    "--port",
    "-p",
    type=click.IntRange(1, 65535),
    metavar="PORT",
    help="Port to listen on.  [default: per target]",
)
@click.option(
    "--host", default=DEFAULT_HOST, show_default=True, metavar="HOST", help="Interface to listen on."
)
@click.option("--reload", is_flag=True, help="Restart when files under the project change.")
@click.option("--debug", is_flag=True, help="Show the traceback when the project's app fails to load.")
@project_option
def serve(
    target_name: str | None,
    port: int | None,
    host: str,
    reload: bool,
    debug: bool,
    project_dir: Path | None,
) -> None:
    """Serve the project's agent over HTTP (the wire contract of docs/architecture.md)."""
    project = locate_project(project_dir)
    target = server_target(project, target_name)
    port = port or target.default_port
    ensure_port_free(host, port)
    args = ["--debug"] if debug else []
    args += ["serve", project.module(target.app), "--host", host, "--port", str(port)]
    if reload:
        args += ["--reload", "--reload-dir", str(project.root)]
    url = f"http://{_url_host(host)}:{port}"
    try_it = f'scaffold invoke "Hello" --url {url}'
    click.echo(f"Serving {project.project_name} ({target.name}) on {url} - try: {try_it}", err=True)
    replace_process(launched(project.root, project_python(project.root), args))


def server_target(project: Project, name: str | None) -> ServerTarget:
    """The app ``--target`` names, or the project's only server target; one the project lacks is an error."""
    target = SERVER_TARGETS[name or only_target(project, SERVER_TARGETS, "what to serve")]
    require_target(project, target.name)
    return target


def ensure_port_free(host: str, port: int) -> None:
    """Fail with a one-line message now rather than a uvicorn traceback after the exec."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise BadInput(f"Unknown host {host!r}; use an address such as 127.0.0.1 or 0.0.0.0.") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise BadInput(f"Port {port} on {host} is in use; pick another with --port.") from None
            raise BadInput(f"Cannot listen on {host}:{port}: {exc.strerror}.") from None


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
