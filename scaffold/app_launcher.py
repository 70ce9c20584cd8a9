"""Start a project's code the way ``python -m`` would, but turn a failure to load it into one clear line.

``scaffold serve``, ``scaffold dev`` and ``scaffold run`` run this file as a script with the project's own
interpreter (``<project>/.venv/bin/python`` when it has one), where scaffold itself may not be installed:
so it imports nothing but the standard library and, when serving, uvicorn. Without it, a bad ``AGENT_*``
value, a missing setting or a broken ``settings.py`` reaches the user as a 40-line uvicorn traceback.

``serve APP``: import ``package.module:attribute`` (call it with ``--factory``) and hand the app object to
uvicorn. With ``--reload`` uvicorn's worker process imports the app again on every change, so the app is
loaded once here first, with the environment restored afterwards, and only a good start reaches uvicorn.
``run MODULE ARGS``: run the module as ``__main__`` (``scaffold run``'s ``local`` entrypoint).

A ``ValueError`` while loading (``ConfigurationError``, ``AuthConfigError``, a settings model) is a bad
setting, exit 2 (``ExitCode.BAD_INPUT``); anything else is the project's code failing, exit 1. Either way
the line names what to fix; ``--debug`` prints the traceback too.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    # Run as a script, this file's folder (scaffold's package) comes first on sys.path and would shadow
    # modules of the project; `python -m` puts the working directory (the project root) there instead.
    sys.path[0] = os.getcwd()

import argparse
import importlib
import runpy
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

BAD_SETTING = 2  # scaffold.errors.ExitCode.BAD_INPUT (not importable here: scaffold may not be installed)
FAILURE = 1
INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.mode == "run":
        return _guarded(args.debug, lambda: _run_module(args.module, args.args))
    app = _guarded(args.debug, lambda: _load_app(args.app, args.factory, keep_env=not args.reload))
    import uvicorn

    if args.reload:  # the worker imports by name; the app loaded above only proved that it loads
        uvicorn.run(
            args.app,
            host=args.host,
            port=args.port,
            factory=args.factory,
            reload=True,
            reload_dirs=args.reload_dir,
            log_level=args.log_level,
        )
    else:
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scaffold-launch", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="print the traceback of a failure to load")
    modes = parser.add_subparsers(dest="mode", required=True)
    serve = modes.add_parser("serve")
    serve.add_argument("app", help="package.module:attribute")
    serve.add_argument("--factory", action="store_true", help="APP is a function that returns the app")
    serve.add_argument("--host", required=True)
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--reload", action="store_true")
    serve.add_argument("--reload-dir", action="append", default=[])
    serve.add_argument("--log-level", default=None, help="uvicorn's (default: info)")
    run = modes.add_parser("run")
    run.add_argument("module")
    run.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _guarded(debug: bool, load: Callable[[], Any]) -> Any:
    """``load()``, or exit with one line (and the traceback with ``debug``) if it raises."""
    try:
        return load()
    except KeyboardInterrupt:
        raise SystemExit(INTERRUPTED) from None
    except Exception as exc:  # every failure becomes one line; the traceback is behind --debug
        _fail(exc, debug)


def _fail(exc: Exception, debug: bool) -> NoReturn:
    if debug:
        traceback.print_exc()
    line, code = describe_failure(exc, Path.cwd())
    if code == FAILURE and not debug:
        line += " Rerun with --debug for the traceback."
    print(f"Error: {line}", file=sys.stderr, flush=True)
    raise SystemExit(code)


def describe_failure(exc: BaseException, root: Path) -> tuple[str, int]:
    """One line for a failure to load the project under ``root``, and its exit code.

    A ``ValueError`` is a bad setting whose message names the variable (exit 2); anything else is the
    project's code, named by type and by the file and line under ``root`` where it was raised (exit 1).
    ``scaffold eval``, which imports the project in its own process, words its failures the same way.
    """
    message = " ".join((exc.msg if isinstance(exc, SyntaxError) else str(exc)).split())
    if isinstance(exc, ValueError):
        return message or type(exc).__name__, BAD_SETTING
    where = _where(exc, root)
    line = f"the project failed to start: {type(exc).__name__}" + (f": {message}" if message else "")
    return line + (f" ({where})." if where else "."), FAILURE


def _where(exc: BaseException, root: Path) -> str:
    """``file:line`` of the project's own code nearest the failure (a syntax error's own position)."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{_relative(exc.filename, root)}:{exc.lineno}"
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename)
        if path.is_absolute() and root in path.parents and ".venv" not in path.parts:
            return f"{_relative(frame.filename, root)}:{frame.lineno}"
    return ""


def _relative(filename: str, root: Path) -> str:
    path = Path(filename)
    return str(path.relative_to(root)) if root in path.parents else filename


def _load_app(reference: str, factory: bool, *, keep_env: bool) -> Any:
    module_name, _, attribute = reference.partition(":")
    saved = dict(os.environ)
    try:
        app = getattr(importlib.import_module(module_name), attribute or "app")
        return app() if factory else app
    finally:
        if not keep_env:  # a factory may set variables for its app; the reload worker sets them itself
            os.environ.clear()
            os.environ.update(saved)


def _run_module(module: str, args: Sequence[str]) -> int:
    sys.argv = [module, *args]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        code = exit.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return FAILURE
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
