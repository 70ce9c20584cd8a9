"""Errors the CLI reports as one clear line: plain exceptions, free of click and of exit codes.

Code that raises them (the deploy engine, packaging, the lifecycle) knows nothing about the command line.
The CLI catches ``ScaffoldError`` where it runs a command and maps the error's class to an exit code in one
table, ``scaffold.exit_codes`` (as copier's CLI maps copier's errors); every command's ``--help`` lists its
codes from that same table.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What each code means is written once, in ``scaffold.exit_codes.MEANINGS``."""

    OK = 0
    FAILURE = 1
    BAD_INPUT = 2
    TOO_LARGE = 3
    TOOL_MISSING = 4
    NOT_DEPLOYED = 5
    LOCKED = 6
    CONFLICT = 7
    CREDENTIALS = 8
    TIMEOUT = 9
    UNAVAILABLE = 10
    DRIFT = 11
    INTERRUPTED = 130  # the shell convention (128 + SIGINT)


class ScaffoldError(Exception):
    """A failure that is not the user's input (exit code 1 unless a subclass is mapped otherwise)."""

    def __init__(self, message: str) -> None:
        # One line, always: multi-line messages from libraries are folded so the error stays greppable.
        self.message = " ".join(message.split())
        super().__init__(self.message)

    @property
    def exit_code(self) -> ExitCode:
        """This error's code, from the one table (``scaffold.exit_codes``)."""
        from .exit_codes import exit_code_for

        return exit_code_for(self)


class BadInput(ScaffoldError):
    """The user asked for something that cannot work as given (exit code 2, like click's usage errors)."""


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
    """Ctrl-C, reported with what was kept."""


class DeployFailed(ScaffoldError):
    """An AWS call failed; every step before it is recorded, so a rerun resumes."""


class WaitTimeout(ScaffoldError, TimeoutError):
    """Something did not become ready within its bounded wait (``scaffold.aws_idioms.wait_until``)."""
