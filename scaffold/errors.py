"""Errors the CLI reports as one clear line, each with an exit code that scripts can branch on.

Every user-facing failure is a ``click.ClickException`` subclass, so click prints ``Error: <message>`` to
stderr and exits with the code below instead of showing a traceback.
"""

from __future__ import annotations

from enum import IntEnum

import click


class ExitCode(IntEnum):
    """Documented in ``scaffold --help``; keep the two in step."""

    OK = 0
    FAILURE = 1  # something failed while running: a server error, an unreachable URL, an AWS call
    BAD_INPUT = 2  # the request itself cannot work: a bad name or answer, an occupied destination, ...
    TOO_LARGE = 3  # package: the artifact is over a service limit
    TOOL_MISSING = 4  # package: uv, a Docker engine or CodeBuild is needed and not available
    NOT_DEPLOYED = 5  # status, invoke, logs or destroy of a target with no recorded deployment
    LOCKED = 6  # another deploy or destroy of this target is running
    CONFLICT = 7  # a name we need is taken by a resource this tool did not create
    CREDENTIALS = 8  # no usable AWS credentials
    TIMEOUT = 9  # a resource did not become ready within the bounded wait
    UNAVAILABLE = 10  # the target cannot be deployed this way yet
    DRIFT = 11  # status: a recorded resource is missing or failed; `scaffold deploy` repairs it
    INTERRUPTED = 130  # Ctrl-C, the shell convention (128 + SIGINT)


class ScaffoldError(click.ClickException):
    """A failure that is not the user's input: exit code 1."""

    exit_code = ExitCode.FAILURE

    def __init__(self, message: str) -> None:
        # One line, always: multi-line messages from libraries are folded so the error stays greppable.
        super().__init__(" ".join(message.split()))


class BadInput(ScaffoldError):
    """The user asked for something that cannot work as given: exit code 2, like click's own usage errors."""

    exit_code = ExitCode.BAD_INPUT


class InvalidProjectName(BadInput):
    pass


class DestinationNotEmpty(BadInput):
    pass


class AnswerRejected(BadInput):
    """The template's questionnaire refused an answer (a validator, a choice, a required question)."""


class NotInProject(BadInput):
    pass


class TargetNotEnabled(BadInput):
    pass


class TemplateFailure(ScaffoldError):
    """The template could not be found, loaded or rendered."""


class ServerError(ScaffoldError):
    """The agent server answered with an error, or failed in the middle of a stream."""


class ConnectionFailed(ScaffoldError):
    pass


class Interrupted(ScaffoldError):
    exit_code = ExitCode.INTERRUPTED
