"""Deploy failures, each a one-line ``ScaffoldError`` with an exit code scripts can branch on.

The codes extend the CLI's (``scaffold.errors.ExitCode``: 0 ok, 1 failure, 2 bad input, 130 cancelled) and
packaging's, which a deploy passes through when it builds (3 artifact too large, 4 a build tool missing);
every deploy command lists them in its epilog (``DEPLOY_EXIT_CODES``).
"""

from __future__ import annotations

from ..errors import ExitCode, ScaffoldError

DEPLOY_EXIT_CODES = """\b
Exit codes: 0 ok; 1 an AWS call failed (rerun to resume); 2 bad input; 3 artifact too large;
4 build tool missing; 5 not deployed; 6 another deploy of this target is running; 7 a name is taken
by a resource scaffold did not create; 8 no AWS credentials; 9 not ready in time; 10 target not
deployable yet; 11 drift (status); 130 cancelled."""


class DeployFailed(ScaffoldError):
    """An AWS call failed; every step before it is recorded, so a rerun resumes."""


class NotDeployed(ScaffoldError):
    exit_code = ExitCode.NOT_DEPLOYED


class DeployLocked(ScaffoldError):
    exit_code = ExitCode.LOCKED


class ResourceConflict(ScaffoldError):
    exit_code = ExitCode.CONFLICT


class NoCredentials(ScaffoldError):
    exit_code = ExitCode.CREDENTIALS


class WaitTimeout(ScaffoldError):
    exit_code = ExitCode.TIMEOUT


class TargetUnavailable(ScaffoldError):
    exit_code = ExitCode.UNAVAILABLE


class Drift(ScaffoldError):
    exit_code = ExitCode.DRIFT


class StateError(ScaffoldError):
    """The state file cannot be read, or belongs to another region, account or schema."""

    exit_code = ExitCode.BAD_INPUT
