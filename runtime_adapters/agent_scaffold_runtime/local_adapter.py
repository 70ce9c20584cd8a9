"""Command-line target: a one-shot prompt, or an interactive loop that keeps one session.

Text is printed as the agent streams it. The developer at the keyboard is trusted (a ``local`` principal
named by ``--user-id``); everything else goes through the same pipeline as the server targets.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Mapping
from typing import Any, TextIO

from .errors import AdapterError
from .identity import local_principal
from .protocol import parse_payload
from .reply import new_session_id
from .service import AgentService
from .streaming import AgentSource

_QUIT = {"exit", "quit", "/exit", "/quit"}


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
    return parser


def main(
    agent: AgentSource, argv: list[str] | None = None, *, defaults: Mapping[str, Any] | None = None
) -> int:
    args = build_parser().parse_args(argv)
    session_id = args.session_id or new_session_id()
    try:
        service = AgentService(agent, target="local", defaults=defaults, log_level="WARNING")
        if args.prompt is not None:
            return _ask(service, args.prompt, args.user_id, session_id, as_json=args.json, out=sys.stdout)
        return _interactive(service, args.user_id, session_id, as_json=args.json)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


def _ask(
    service: AgentService, prompt: str, user_id: str, session_id: str, *, as_json: bool, out: TextIO
) -> int:
    started = time.monotonic()
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
        print(f"error: the agent failed: {error.message}", file=sys.stderr)
        return 1
    return 0


async def _print_stream(service: AgentService, call: Any, out: TextIO) -> None:
    async for event in await service.events(call):
        if isinstance(event, str):
            out.write(event)
            out.flush()
        elif "error" in event:
            out.write("\n")
            raise AdapterError(str(event["error"]), code=str(event.get("code", "agent_error")))
    out.write("\n")


def _interactive(service: AgentService, user_id: str, session_id: str, *, as_json: bool) -> int:
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
        status = _ask(service, prompt, user_id, session_id, as_json=as_json, out=sys.stdout) or status
    return status
