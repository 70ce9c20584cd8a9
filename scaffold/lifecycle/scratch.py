"""A throwaway git copy of a project: what ``--dry-run`` and ``check-update`` update instead of the real one.

It holds the project's current files - committed, modified and untracked, but not ignored ones - committed as
one commit, so copier finds the clean, git-tracked tree it insists on and the user's tree is never touched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .gitutil import init_and_commit, run_git


def project_files(root: Path) -> list[str]:
    """Tracked and untracked-but-not-ignored files under ``root``, relative to it."""
    raw = run_git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root).stdout
    names = sorted(set(raw.decode(errors="surrogateescape").split("\0")) - {""})
    return [name for name in names if (root / name).is_file() or (root / name).is_symlink()]


def scratch_copy(root: Path, destination: Path) -> Path:
    """Copy the project at ``root`` into ``destination`` (created) and commit it there."""
    destination.mkdir(parents=True)
    for name in project_files(root):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target, follow_symlinks=False)
    init_and_commit(destination, "scaffold dry run")
    return destination
