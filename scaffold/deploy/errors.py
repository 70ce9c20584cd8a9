"""Deploy failures: plain exceptions, mapped to exit codes in ``scaffold.exit_codes``."""

from __future__ import annotations

from ..errors import DeployFailed, ExitCode, ScaffoldError, WaitTimeout

__all__ = [
    "DeployFailed",
    "DeployLocked",
    "ExitCode",
    "NoCredentials",
    "NotDeployed",
    "ResourceConflict",
    "ScaffoldError",
    "StateError",
    "TargetUnavailable",
    "WaitTimeout",
]


class NotDeployed(ScaffoldError):
    """Nothing is recorded for the target (or not the part asked about)."""


class DeployLocked(ScaffoldError):
    """Another deploy or destroy of this target is running."""


class ResourceConflict(ScaffoldError):
    """A name we need is taken by a resource this tool did not create."""


class NoCredentials(ScaffoldError):
    pass


class TargetUnavailable(ScaffoldError):
    """The target cannot be deployed this way yet."""


class StateError(ScaffoldError):
    """The state file cannot be read, or belongs to another region, account or schema (bad input)."""
