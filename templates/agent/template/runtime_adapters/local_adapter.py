"""Command-line target: a one-shot prompt, or an interactive loop that keeps one session.

Text is printed as the agent streams it. Runs the same core as every server target.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import TextIO

from .errors import AdapterError
from .invocation import AgentSource
from .protocol import Limits, parse_payload
from .reply import AgentReply, new_session_id

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
    parser.add_argument(
        "--json", action="store_true", help="print the full reply as JSON instead of streaming text"
    )
    return parser


def main(agent: AgentSource, argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    session_id = args.session_id or new_session_id()
    try:
        if args.prompt is not None:
            return _ask(agent, args.prompt, args.user_id, session_id, as_json=args.json, out=sys.stdout)
        return _interactive(agent, args.user_id, session_id, as_json=args.json)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


def _ask(
    agent: AgentSource, prompt: str, user_id: str, session_id: str, *, as_json: bool, out: TextIO
) -> int:
    try:
        request = parse_payload({"prompt": prompt, "session_id": session_id}, Limits.from_env())
    except AdapterError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    try:
        if as_json:
            reply = agent.call(user_id, request.prompt, session_id=session_id)
            print(json.dumps(reply.to_dict(), indent=2, ensure_ascii=False), file=out)
        else:
            asyncio.run(_print_stream(agent, request.prompt, user_id, session_id, out))
    except Exception as exc:
        print(f"error: the agent failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


async def _print_stream(
    agent: AgentSource, prompt: str, user_id: str, session_id: str, out: TextIO
) -> AgentReply:
    reply: AgentReply | None = None
    async for item in agent.stream(user_id, prompt, session_id=session_id):
        if isinstance(item, AgentReply):
            reply = item
        else:
            out.write(item)
            out.flush()
    out.write("\n")
    if reply is None:
        raise RuntimeError("The agent stream ended without a reply.")
    return reply


def _interactive(agent: AgentSource, user_id: str, session_id: str, *, as_json: bool) -> int:
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
        status = _ask(agent, prompt, user_id, session_id, as_json=as_json, out=sys.stdout) or status
    return status
