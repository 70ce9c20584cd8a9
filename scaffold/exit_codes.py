"""The one table from errors to exit codes, and from commands to the codes they can return.

Errors are plain exceptions (``scaffold.errors``, ``scaffold.deploy.errors``, ``scaffold.packaging.errors``);
the CLI maps them here where it runs a command (``ScaffoldGroup.invoke`` in ``scaffold.cli``), and every
command's ``--help`` lists its codes from ``COMMAND_CODES`` and ``MEANINGS`` (``exit_codes_help``), so the
documentation cannot drift from the behaviour. Importing this module must stay cheap: no boto3, no copier.
"""

from __future__ import annotations

import textwrap

from .deploy.errors import (
    DeployLocked,
    NoCredentials,
    NotDeployed,
    ResourceConflict,
    StateError,
    TargetUnavailable,
)
from .errors import BadInput, ExitCode, Interrupted, ScaffoldError, WaitTimeout
from .packaging.errors import SizeLimitError, ToolMissing

#: Error class -> exit code. A subclass takes its nearest listed ancestor's code; anything else is 1.
ERROR_CODES: dict[type[BaseException], ExitCode] = {
    BadInput: ExitCode.BAD_INPUT,
    StateError: ExitCode.BAD_INPUT,
    SizeLimitError: ExitCode.TOO_LARGE,
    ToolMissing: ExitCode.TOOL_MISSING,
    NotDeployed: ExitCode.NOT_DEPLOYED,
    DeployLocked: ExitCode.LOCKED,
    ResourceConflict: ExitCode.CONFLICT,
    NoCredentials: ExitCode.CREDENTIALS,
    WaitTimeout: ExitCode.TIMEOUT,
    TargetUnavailable: ExitCode.UNAVAILABLE,
    Interrupted: ExitCode.INTERRUPTED,
    ScaffoldError: ExitCode.FAILURE,
}

MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.FAILURE: "failure (an AWS call, a server error, a build, the template)",
    ExitCode.BAD_INPUT: "bad input (name, answer, option, state file, not inside a project)",
    ExitCode.TOO_LARGE: "artifact over a service size limit",
    ExitCode.TOOL_MISSING: "build tool missing (uv, a Docker engine or CodeBuild)",
    ExitCode.NOT_DEPLOYED: "not deployed",
    ExitCode.LOCKED: "another deploy of this target is running",
    ExitCode.CONFLICT: "a name is taken by a resource scaffold did not create",
    ExitCode.CREDENTIALS: "no AWS credentials",
    ExitCode.TIMEOUT: "not ready in time (rerun to keep waiting)",
    ExitCode.UNAVAILABLE: "target cannot be deployed this way yet",
    ExitCode.DRIFT: "drift: a recorded resource is missing, failed or changed outside scaffold",
    ExitCode.INTERRUPTED: "cancelled (Ctrl-C)",
}

_OK, _FAIL, _BAD, _CANCEL = ExitCode.OK, ExitCode.FAILURE, ExitCode.BAD_INPUT, ExitCode.INTERRUPTED
_LIFECYCLE = (_OK, _FAIL, _BAD, _CANCEL)  # copier-driven commands: a conflict or template failure is 1

#: Command -> the codes it can return, in order. Only codes a command can actually produce belong here.
COMMAND_CODES: dict[str, tuple[ExitCode, ...]] = {
    "new": _LIFECYCLE,
    "run": (_OK, _FAIL, _BAD),
    "serve": (_OK, _FAIL, _BAD),
    "dev": (_OK, _FAIL, _BAD),
    "invoke": (_OK, _FAIL, _BAD, ExitCode.NOT_DEPLOYED, ExitCode.CREDENTIALS),
    "package": (_OK, _FAIL, _BAD, ExitCode.TOO_LARGE, ExitCode.TOOL_MISSING, ExitCode.TIMEOUT),
    "deploy": (
        _OK,
        _FAIL,
        _BAD,
        ExitCode.TOO_LARGE,
        ExitCode.TOOL_MISSING,
        ExitCode.LOCKED,
        ExitCode.CONFLICT,
        ExitCode.CREDENTIALS,
        ExitCode.TIMEOUT,
        ExitCode.UNAVAILABLE,
        _CANCEL,
    ),
    "promote": (
        _OK,
        _FAIL,
        _BAD,
        ExitCode.TOO_LARGE,
        ExitCode.NOT_DEPLOYED,
        ExitCode.LOCKED,
        ExitCode.CONFLICT,
        ExitCode.CREDENTIALS,
        ExitCode.TIMEOUT,
        _CANCEL,
    ),
    "status": (_OK, _FAIL, _BAD, ExitCode.NOT_DEPLOYED, ExitCode.CREDENTIALS, ExitCode.DRIFT),
    "logs": (_OK, _FAIL, _BAD, ExitCode.NOT_DEPLOYED, ExitCode.CREDENTIALS),
    "destroy": (
        _OK,
        _FAIL,
        _BAD,
        ExitCode.NOT_DEPLOYED,
        ExitCode.LOCKED,
        ExitCode.CREDENTIALS,
        ExitCode.TIMEOUT,
        _CANCEL,
    ),
    "eval": (_OK, _FAIL, _BAD, ExitCode.NOT_DEPLOYED, ExitCode.CREDENTIALS),
    "loadtest": (_OK, _FAIL, _BAD, ExitCode.NOT_DEPLOYED, ExitCode.CREDENTIALS),
    "rollback": (_OK, _FAIL, _BAD, ExitCode.NOT_DEPLOYED, ExitCode.LOCKED, ExitCode.CREDENTIALS),
    "ci": (_OK, _BAD),
    "runtime": (_OK, _FAIL),  # the wheel could not be built (an install without the runtime's source)
    "target": _LIFECYCLE,
    "configure": _LIFECYCLE,
    "update": _LIFECYCLE,
    "check-update": (_OK, _FAIL, _BAD),
    "template": (_OK, _FAIL, _BAD),
}

#: What a code means for one command, where the general meaning would mislead.
COMMAND_MEANINGS: dict[tuple[str, ExitCode], str] = {
    ("run", _OK): "success (any other code is the agent's own)",
    ("dev", _OK): "success (any other code is the server's own)",
    ("serve", _OK): "success (any other code is the server's own)",
    ("invoke", _FAIL): "failure (server error, failed stream, no connection, an AWS call)",
    ("update", _FAIL): "conflicts to resolve, or the template failed",
    ("configure", _FAIL): "conflicts to resolve, or the template failed",
    ("target", _FAIL): "conflicts to resolve, or the template failed",
    ("check-update", _OK): "success, whether or not an update exists",
    ("template", _FAIL): "a combination failed, or the template",
    ("status", _OK): "in sync",
    ("eval", _OK): "every case passed",
    ("eval", _FAIL): "a case failed or errored, or a regression against --baseline",
    ("loadtest", _OK): "within the thresholds",
    ("loadtest", _FAIL): "a threshold crossed, turns lost, or Locust failed",
    ("ci", _OK): "done (files kept because you edited them are listed)",
}


def exit_code_for(error: BaseException) -> ExitCode:
    for cls in type(error).__mro__:
        if cls in ERROR_CODES:
            return ERROR_CODES[cls]
    return ExitCode.FAILURE


def exit_codes_help(command: str | None) -> str:
    """The ``Exit codes:`` paragraph of ``command``'s ``--help`` (every code for ``None``: the group's)."""
    codes = COMMAND_CODES[command] if command else tuple(MEANINGS)
    text = "; ".join(
        f"{int(code)} {COMMAND_MEANINGS.get((command or '', code), MEANINGS[code])}" for code in codes
    )
    return "\b\n" + "\n".join(textwrap.wrap(f"Exit codes: {text}.", 96, break_long_words=False))
