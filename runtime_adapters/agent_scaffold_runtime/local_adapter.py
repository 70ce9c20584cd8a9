"""Command-line target: a one-shot prompt, or an interactive loop that keeps one session.

Text is printed as the agent streams it. The developer at the keyboard is trusted (a ``local`` principal
named by ``--user-id``); everything else goes through the same pipeline as the server targets.

A failure is one ``error:`` line on stderr: a missing setting names its variable (exit 2), missing AWS
credentials say how to provide them (exit 1). The JSON log with the tracebacks goes to a file
(``AGENT_LOG_FILE``, default ``.scaffold/logs/local.log``), or to stderr with ``--debug``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from .config_check import ConfigurationError, explain_failure
from .errors import AdapterError
from .identity import local_principal
from .protocol import parse_payload
from .reply import new_session_id
from .service import AgentService
from .streaming import AgentSource
from .telemetry import configure_json_logging

_QUIT = {"exit", "quit", "/exit", "/quit"}
_PACKAGE_LOGGER = "agent_scaffold_runtime"  # configure_json_logging's logger
DEFAULT_LOG_FILE = ".scaffold/logs/local.log"


class _FailureCapture(logging.Handler):
    """Keeps the last exception the service logged: a failure inside a stream reaches this adapter as an
    ``{"error": ...}`` event without its cause, and the cause is what says "no AWS credentials"."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.last: BaseException | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.last = record.exc_info[1]


_FAILURES = _FailureCapture()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Talk to the agent from the command line. Without PROMPT, start an interactive session "
        "(type 'exit' or press Ctrl-D to leave).",
    )
    parser.add_argument("prompt", nargs="?", help="ask once and exit")
    parser.add_argument("--session-id", help="continue this session (default: a new one)")
    parser.add_argument(
        "--user-id",
        default=os.environ.get("AGENT_LOCAL_USER", "local-user"),
        help="who is asking (default: $AGENT_LOCAL_USER or 'local-user')",
    )
    parser.add_argument("--json", action="store_true", help="print the full reply as JSON instead of text")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="write the JSON log (with tracebacks) to stderr instead of $AGENT_LOG_FILE or "
        + DEFAULT_LOG_FILE,
    )
    return parser


def main(
    agent: AgentSource, argv: list[str] | None = None, *, defaults: Mapping[str, Any] | None = None
) -> int:
    args = build_parser().parse_args(argv)
    session_id = args.session_id or new_session_id()
    log_file = None if args.debug else _log_to_file()
    if _FAILURES not in logging.getLogger(_PACKAGE_LOGGER).handlers:
        logging.getLogger(_PACKAGE_LOGGER).addHandler(_FAILURES)
    try:
        try:
            service = AgentService(agent, target="local", defaults=defaults, log_level="WARNING")
        except ValueError as exc:  # ConfigurationError, AuthConfigError: a setting names its variable
            print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
            return 2
        if args.prompt is not None:
            return _ask(
                service,
                args.prompt,
                args.user_id,
                session_id,
                as_json=args.json,
                out=sys.stdout,
                log=log_file,
            )
        return _interactive(service, args.user_id, session_id, as_json=args.json, log=log_file)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


def _ask(
    service: AgentService,
    prompt: str,
    user_id: str,
    session_id: str,
    *,
    as_json: bool,
    out: TextIO,
    log: Path | None = None,
) -> int:
    started = time.monotonic()
    _FAILURES.last = None
    try:
        request = parse_payload({"prompt": prompt, "session_id": session_id}, service.limits)
    except AdapterError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    call = service.accept(local_principal(user_id), request, {}, started)
    try:
        if as_json:
            reply = asyncio.run(service.reply(call))
            print(json.dumps(reply.to_dict(), indent=2, ensure_ascii=False), file=out)
        else:
            asyncio.run(_print_stream(service, call, out))
    except AdapterError as error:
        cause = error.__cause__ or _FAILURES.last
        print(f"error: {_explain(error, cause, log)}", file=sys.stderr)
        return 2 if isinstance(cause, ConfigurationError) else 1
    return 0


def _explain(error: AdapterError, cause: BaseException | None, log_file: Path | None) -> str:
    known = explain_failure(cause)
    message = known or f"the agent failed: {error.message}"
    if log_file is not None:
        message += f" Details: {log_file} (or rerun with --debug)."
    return message


def _log_to_file() -> Path | None:
    """Send the JSON log to ``AGENT_LOG_FILE`` (default ``.scaffold/logs/local.log``); ``None`` if it stays.

    The first handler installed wins (``configure_json_logging``), so this runs before ``AgentService``.
    """
    if logging.getLogger(_PACKAGE_LOGGER).handlers:  # configured already (in-process, by the caller)
        return None
    path = Path(os.environ.get("AGENT_LOG_FILE") or DEFAULT_LOG_FILE)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = path.open("a", encoding="utf-8")  # open for the life of the process, like stderr
    except OSError:
        return None  # a read-only directory: the log stays on stderr
    configure_json_logging(os.environ.get("AGENT_LOG_LEVEL") or "WARNING", stream=stream)
    return path


async def _print_stream(service: AgentService, call: Any, out: TextIO) -> None:
    async for event in await service.events(call):
        if isinstance(event, str):
            out.write(event)
            out.flush()
        elif "error" in event:
            out.write("\n")
            raise AdapterError(str(event["error"]), code=str(event.get("code", "agent_error")))
    out.write("\n")


def _interactive(
    service: AgentService, user_id: str, session_id: str, *, as_json: bool, log: Path | None = None
) -> int:
    tty = sys.stdin.isatty()
    if tty:
        print(f"Session {session_id}. Type 'exit' or press Ctrl-D to leave.", file=sys.stderr)
    status = 0
    while True:
        try:
            line = input("you> ") if tty else sys.stdin.readline()
        except EOFError:
            break
        if not tty and line == "":
            break
        prompt = line.strip()
        if prompt in _QUIT:
            break
        if not prompt:
            continue
        if tty:
            sys.stdout.write("agent> ")
        status = (
            _ask(service, prompt, user_id, session_id, as_json=as_json, out=sys.stdout, log=log) or status
        )
    return status
