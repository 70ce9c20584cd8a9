"""Service size limits, checked before anything is uploaded, with the largest contributors named.

A bare "too large" sends the user hunting; grouping the bytes by distribution (for dependencies) or by
top-level path (for the project's own files) points at what to drop.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from .errors import SizeLimitError, megabytes
from .targets import SizeLimits

TOP_CONTRIBUTORS = 5
HINT = (
    "Leave out what the agent does not need (project files: .scaffoldignore; dependencies: pyproject.toml), "
    "or ship it as a container image (--format container)."
)


def contributors(
    sizes: Mapping[str, int], owners: Mapping[str, str], top: int = TOP_CONTRIBUTORS
) -> list[tuple[str, int]]:
    """The ``top`` largest groups: a dependency by distribution, a project file by its top-level path."""
    totals: Counter[str] = Counter()
    for rel, size in sizes.items():
        owner = owners.get(rel)
        if owner is not None:
            totals[owner] += size
        else:
            head, sep, _ = rel.partition("/")
            totals[f"{head}/" if sep else head] += size
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:top]


def check_unzipped(
    target: str,
    limits: SizeLimits,
    sizes: Mapping[str, int],
    owners: Mapping[str, str],
    total: int | None = None,
) -> int:
    """``total`` defaults to the sum of ``sizes``; a recorded build passes its exact total instead."""
    total = sum(sizes.values()) if total is None else total
    if limits.unzipped_bytes is not None and total > limits.unzipped_bytes:
        raise SizeLimitError(
            f"{target} package (unzipped)", total, limits.unzipped_bytes, contributors(sizes, owners), HINT
        )
    return total


def check_zipped(
    target: str, limits: SizeLimits, zipped: int, sizes: Mapping[str, int], owners: Mapping[str, str]
) -> list[str]:
    """Raise when over a hard limit; return notices for soft ones (a direct upload turning into S3)."""
    if limits.zipped_bytes is not None and zipped > limits.zipped_bytes:
        raise SizeLimitError(f"{target} zip", zipped, limits.zipped_bytes, contributors(sizes, owners), HINT)
    if limits.direct_upload_bytes is not None and zipped > limits.direct_upload_bytes:
        return [
            f"The zip is {megabytes(zipped)}, over the {megabytes(limits.direct_upload_bytes)} of a direct "
            "upload: deploy it through S3."
        ]
    return []
