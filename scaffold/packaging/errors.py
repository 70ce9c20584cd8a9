"""Packaging failures, each with an exit code a script (or the deploy command) can branch on.

Codes are mapped in ``scaffold.exit_codes``; 1 and 2 mean what they mean everywhere. Packaging adds two
outcomes that call for a different reaction than "fix your input" or "retry": the artifact is too large
for the service (shrink it, or use a container), and a tool the step needs is missing on this machine
(install it, or build elsewhere).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ExitCode, ScaffoldError

__all__ = ["ExitCode", "PackagingError", "ScaffoldError", "SizeLimitError", "ToolMissing", "megabytes"]


class PackagingError(ScaffoldError):
    """Resolving, installing or assembling failed (exit code 1): uv's own message is included."""


class ToolMissing(ScaffoldError):
    """A tool this step needs is not available here; the message says exactly what would do."""


class SizeLimitError(ScaffoldError):
    """The artifact is over a service limit; the message lists what takes the space."""

    def __init__(
        self, what: str, actual: int, limit: int, contributors: Sequence[tuple[str, int]], hint: str = ""
    ) -> None:
        self.what = what
        self.actual = actual
        self.limit = limit
        self.contributors = tuple(contributors)
        largest = ", ".join(f"{name} {megabytes(size)}" for name, size in self.contributors)
        message = (
            f"The {what} is {megabytes(actual)}, over the limit of {megabytes(limit)}. "
            f"Largest contributors: {largest}."
        )
        super().__init__(f"{message} {hint}".strip())


def megabytes(size: int) -> str:
    """In AWS's sense: its "250 MB" Lambda limit is 262,144,000 bytes (MiB)."""
    return f"{size / (1024 * 1024):.1f} MB"
