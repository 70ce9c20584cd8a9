"""``scaffold invoke``: send one prompt to a running agent server (``--url``) or a deployed target
(``--target``) and print the reply as it streams."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..deploy.cli_options import aws_options, target_option, token_option
from ..deploy.options import AwsOptions
from ..errors import BadInput, ScaffoldError
from ..invoke_client import DEFAULT_TIMEOUT_S, InvokeRequest, InvokeResult, invocation_url, invoke
from ..protocol_invoke import PROTOCOLS, deployed_url, invoke_protocol, protocol_url
from ._common import project_option

EPILOG = """\b
Examples:
  scaffold invoke "Hello" --url http://127.0.0.1:8080          # AgentCore app (scaffold serve)
  scaffold invoke "Hello" --url localhost:8000                 # FastAPI app; path defaults to /invocations
  scaffold invoke "And now?" --url :8080 --session-id s1       # continue a session
  scaffold invoke "Hello" --url https://example.com/invocations --json | jq .usage
  scaffold invoke "Hello" --target agentcore                   # the deployed runtime (SigV4)
  scaffold invoke "Hello" --target lambda --token "$JWT"       # the deployed function, auth=jwt
  scaffold invoke "Hello" --url :8080 --protocol ws            # the /ws WebSocket
  scaffold invoke "Hello" --url :8000 --protocol mcp           # the MCP server's ask_agent tool
  scaffold invoke "Hello" --url :9000 --protocol a2a           # the A2A server (card, then message)
  scaffold invoke "Hello" --target agentcore --protocol mcp --token "$JWT"   # a deployed MCP runtime

\b
Streams by default (Server-Sent Events): text is printed as it arrives and the session id
goes to stderr. --target calls what `scaffold deploy` recorded, with your AWS credentials
(lambda.invoke on the live alias; invoke_agent_runtime on the live endpoint)."""


class _TextPrinter:
    """Prints chunks as they arrive, remembering whether a line is open so errors start on a fresh one."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.printed = False
        self.line_open = False

    def __call__(self, chunk: str) -> None:
        if self.quiet or not chunk:
            return
        click.echo(chunk, nl=False)
        self.printed = True
        self.line_open = not chunk.endswith("\n")

    def end_line(self) -> None:
        if self.line_open:
            click.echo()
            self.line_open = False


@click.command(
    "invoke",
    epilog=EPILOG,
    short_help="Send a prompt to a running server or deployed target; stream the reply.",
)
@click.argument("prompt")
@click.option(
    "--url",
    "-u",
    metavar="URL",
    help="A running server (/invocations is added when URL has no path).",
)
@target_option(help="A deployed target instead of --url (see scaffold deploy).")
@click.option("--session-id", metavar="ID", help="Continue (or name) a conversation session.")
@click.option("--stream/--no-stream", default=True, help="Stream the reply (default) or get one JSON reply.")
@click.option("--json", "as_json", is_flag=True, help="Print only the final reply, as JSON.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT_S,
    show_default=True,
    metavar="SECONDS",
    help="Give up when the server is silent this long.",
)
@token_option("Bearer token for a deployed target with auth=jwt")
@click.option(
    "--protocol",
    type=click.Choice(PROTOCOLS),
    default="http",
    show_default=True,
    help="Speak HTTP (/invocations), the /ws WebSocket, MCP, A2A or AG-UI (docs/protocols.md).",
)
@aws_options
@project_option
def invoke_command(
    prompt: str,
    url: str | None,
    target: str | None,
    session_id: str | None,
    stream: bool,
    as_json: bool,
    timeout: float,
    token: str | None,
    protocol: str,
    aws: AwsOptions,
    project_dir: Path | None,
) -> None:
    """Send PROMPT to the agent server at URL, or to a deployed TARGET, and print its reply."""
    if (url is None) == (target is None):
        raise click.UsageError(
            "Give either --url URL (a running server) or --target TARGET (a deployed one)."
        )
    printer = _TextPrinter(quiet=as_json)
    try:
        if protocol != "http":
            request = InvokeRequest(
                url="", prompt=prompt, session_id=session_id, stream=stream, timeout_s=timeout
            )
            where = (
                protocol_url(url, protocol)
                if url is not None
                else _deployed_protocol_url(target, protocol, token, aws, project_dir)
            )
            result = invoke_protocol(protocol, where, request, token, printer)
        elif url is not None:
            request = InvokeRequest(
                url=invocation_url(url),
                prompt=prompt,
                session_id=session_id,
                stream=stream,
                timeout_s=timeout,
            )
            result = invoke(request, printer)
        else:
            assert target is not None
            request = InvokeRequest(
                url="", prompt=prompt, session_id=session_id, stream=stream, timeout_s=timeout
            )
            result = _invoke_deployed(target, request, token, aws, project_dir, printer)
    except ScaffoldError:
        printer.end_line()
        raise
    if as_json:
        click.echo(json.dumps(result.reply, indent=2, ensure_ascii=False))
        return
    if not printer.printed:
        printer(str(result.reply.get("text", "")))
    click.echo()
    if result.session_id:
        click.echo(f"session: {result.session_id}", err=True)


def _deployed_protocol_url(
    target: str | None,
    protocol: str,
    token: str | None,
    aws: AwsOptions,
    project_dir: Path | None,
) -> str:
    """The recorded AgentCore runtime's URL; these clients carry a bearer token (SigV4 is HTTP-only here)."""
    from ..deploy.engine import deployed_outputs
    from ..project import locate_project

    if target != "agentcore":
        raise BadInput(f"--protocol {protocol} with --target needs the agentcore target (or use --url).")
    if not token:
        raise BadInput(
            f"--protocol {protocol} on a deployed runtime needs --token (a JWT for its authorizer): "
            "these clients do not sign with SigV4. Use --protocol http for an IAM-authorized runtime."
        )
    outputs = deployed_outputs(locate_project(project_dir), target, aws)
    return deployed_url(outputs["runtime_arn"], protocol)


def _invoke_deployed(
    target: str,
    request: InvokeRequest,
    token: str | None,
    aws: AwsOptions,
    project_dir: Path | None,
    printer: _TextPrinter,
) -> InvokeResult:
    from ..deploy.engine import invoke_deployed
    from ..deploy.targets.base import DeployedInvoke
    from ..project import locate_project

    project = locate_project(project_dir)
    return invoke_deployed(project, target, aws, DeployedInvoke(request, token), printer)
