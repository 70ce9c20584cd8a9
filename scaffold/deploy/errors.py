"""Deploy failures, each a one-line ``ScaffoldError`` with an exit code scripts can branch on.

The codes extend the CLI's (``scaffold.errors.ExitCode``: 0 ok, 1 failure, 2 bad input, 130 cancelled) and
packaging's, which a deploy passes through when it builds (3 artifact too large, 4 a build tool missing);
every deploy command lists them in its epilog (``DEPLOY_EXIT_CODES``).
"""

from __future__ import annotations

from enum import IntEnum

from ..errors import ExitCode, ScaffoldError


class DeployExit(IntEnum):
    OK = ExitCode.OK
    FAILURE = ExitCode.FAILURE  # an AWS call failed; state is recorded up to the last completed step
    BAD_INPUT = ExitCode.BAD_INPUT
    TOO_LARGE = 3  # packaging: the artifact is over a service limit
    TOOL_MISSING = 4  # packaging: a build tool is missing here
    NOT_DEPLOYED = 5  # status, invoke, logs or destroy of a target with no recorded deployment
    LOCKED = 6  # another deploy or destroy of this target is running
    CONFLICT = 7  # a name we need is taken by a resource this tool did not create
    CREDENTIALS = 8  # no usable AWS credentials
    TIMEOUT = 9  # a resource did not become ready within the bounded wait
    UNAVAILABLE = 10  # the target has no deployer yet
    DRIFT = 11  # status: a recorded resource is missing or failed; `scaffold deploy` repairs it
    INTERRUPTED = ExitCode.INTERRUPTED


DEPLOY_EXIT_CODES = """\b
Exit codes: 0 ok; 1 an AWS call failed (rerun to resume); 2 bad input; 3 artifact too large;
4 build tool missing; 5 not deployed; 6 another deploy of this target is running; 7 a name is taken
by a resource scaffold did not create; 8 no AWS credentials; 9 not ready in time; 10 target not
deployable yet; 11 drift (status); 130 cancelled."""


class DeployFailed(ScaffoldError):
    """An AWS call failed; every step before it is recorded, so a rerun resumes."""


class NotDeployed(ScaffoldError):
    exit_code = DeployExit.NOT_DEPLOYED  # type: ignore[assignment]  # ExitCode lacks it


class DeployLocked(ScaffoldError):
    exit_code = DeployExit.LOCKED  # type: ignore[assignment]  # ExitCode lacks it


class ResourceConflict(ScaffoldError):
    exit_code = DeployExit.CONFLICT  # type: ignore[assignment]  # ExitCode lacks it


class NoCredentials(ScaffoldError):
    exit_code = DeployExit.CREDENTIALS  # type: ignore[assignment]  # ExitCode lacks it


class WaitTimeout(ScaffoldError):
    exit_code = DeployExit.TIMEOUT  # type: ignore[assignment]  # ExitCode lacks it


class TargetUnavailable(ScaffoldError):
    exit_code = DeployExit.UNAVAILABLE  # type: ignore[assignment]  # ExitCode lacks it


class Drift(ScaffoldError):
    exit_code = DeployExit.DRIFT  # type: ignore[assignment]  # ExitCode lacks it


class StateError(ScaffoldError):
    """The state file cannot be read, or belongs to another region, account or schema."""

    exit_code = ExitCode.BAD_INPUT
