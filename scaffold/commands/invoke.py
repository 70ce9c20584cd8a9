"""``scaffold invoke``: send one prompt to a running agent server and print the reply as it streams."""

from __future__ import annotations

import json

import click

from ..errors import ScaffoldError
from ..invoke_client import DEFAULT_TIMEOUT_S, InvokeRequest, invocation_url, invoke

EPILOG = """\b
Examples:
  scaffold invoke "Hello" --url http://127.0.0.1:8080          # AgentCore app (scaffold serve)
  scaffold invoke "Hello" --url localhost:8000                 # FastAPI app; path defaults to /invocations
  scaffold invoke "And now?" --url :8080 --session-id s1       # continue a session
  scaffold invoke "Hello" --url https://example.com/invocations --json | jq .usage

\b
Streams by default (Server-Sent Events): text is printed as it arrives and the session id
goes to stderr. Exit codes: 0 replied; 1 server error, failed stream or no connection."""


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


@click.command("invoke", epilog=EPILOG, short_help="Send a prompt to a running server; stream the reply.")
@click.argument("prompt")
@click.option(
    "--url",
    "-u",
    required=True,
    metavar="URL",
    help="The server (/invocations is added when URL has no path).",
)
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
def invoke_command(
    prompt: str, url: str, session_id: str | None, stream: bool, as_json: bool, timeout: float
) -> None:
    """Send PROMPT to the agent server at URL and print its reply."""
    request = InvokeRequest(
        url=invocation_url(url), prompt=prompt, session_id=session_id, stream=stream, timeout_s=timeout
    )
    printer = _TextPrinter(quiet=as_json)
    try:
        result = invoke(request, printer)
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
