"""The few git commands scaffold runs itself (copier runs the rest), with one-line errors.

Paths returned by the status helpers are relative to the *project* root, even when the project is a
subdirectory of a larger repository (a monorepo): that is how scaffold reports files to the user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ScaffoldError

# Used only when the user has no git identity configured (a fresh CI machine): commits scaffold makes in
# its own cache, and the first commit of a new project, must not fail for want of a name.
FALLBACK_IDENTITY = {"user.name": "agent-scaffold", "user.email": "agent-scaffold@localhost"}


class GitError(ScaffoldError):
    """A git command failed; the message carries git's own first line."""


def git_available() -> bool:
    return shutil.which("git") is not None


def run_git(
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """``git ARGS``; raises ``GitError`` with git's message when ``check`` and it fails."""
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, env=full_env, input=input, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed; scaffold needs it to version templates and projects.") from None
    if check and result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        first = next((line for line in message if line.strip()), f"exit code {result.returncode}")
        raise GitError(f"git {args[0]} failed in {cwd or Path.cwd()}: {first}")
    return result


def git_text(args: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    return run_git(args, cwd=cwd, env=env).stdout.decode(errors="replace").strip()


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree containing ``path`` (or its nearest existing parent), else ``None``."""
    existing = next((p for p in (path, *path.parents) if p.is_dir()), None)
    if existing is None or not git_available():
        return None
    result = run_git(["rev-parse", "--show-toplevel"], cwd=existing, check=False)
    if result.returncode != 0:
        return None
    return Path(result.stdout.decode().strip()).resolve()


def has_commits(repo_dir: Path) -> bool:
    return run_git(["rev-parse", "--verify", "--quiet", "HEAD"], cwd=repo_dir, check=False).returncode == 0


def identity_args(cwd: Path | None = None) -> list[str]:
    """``-c user.name=... -c user.email=...`` when git has no identity configured, else nothing."""
    configured = run_git(["config", "user.email"], cwd=cwd, check=False).stdout.strip()
    if configured:
        return []
    return [arg for key, value in FALLBACK_IDENTITY.items() for arg in ("-c", f"{key}={value}")]


def init_and_commit(directory: Path, message: str) -> None:
    """``git init`` + one commit of everything in ``directory`` (a new project, never a user's repository)."""
    run_git(["init", "-q"], cwd=directory)
    run_git(["add", "-A"], cwd=directory)
    commit = ["commit", "-q", "--no-verify", "--no-gpg-sign", "-m", message]
    if run_git(commit, cwd=directory, check=False).returncode != 0:  # most often: no identity configured
        run_git([*identity_args(directory), *commit], cwd=directory)


@dataclass
class Status:
    """``git status`` of one project directory, paths relative to the project."""

    modified: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # untracked or newly staged
    deleted: list[str] = field(default_factory=list)
    unmerged: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.modified or self.added or self.deleted or self.unmerged)

    @property
    def all(self) -> list[str]:
        return sorted({*self.modified, *self.added, *self.deleted, *self.unmerged})


def status(project: Path) -> Status:
    """Changes under ``project`` (ignored files excluded), whatever the repository around it holds."""
    prefix = git_text(["rev-parse", "--show-prefix"], cwd=project)
    raw = run_git(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."], cwd=project).stdout
    result = Status()
    entries = raw.decode(errors="surrogateescape").split("\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":  # a rename/copy: the next entry is the source path
            index += 1
        relative = path[len(prefix) :] if path.startswith(prefix) else path
        if "U" in code or code in ("AA", "DD"):
            result.unmerged.append(relative)
        elif code == "??" or "A" in code:
            result.added.append(relative)
        elif "D" in code:
            result.deleted.append(relative)
        else:
            result.modified.append(relative)
    return result


def head_blob(project: Path, relative: str) -> bytes | None:
    """The committed content of ``relative`` (project-relative), or ``None`` when HEAD has no such file."""
    result = run_git(["show", f"HEAD:./{relative}"], cwd=project, check=False)
    return result.stdout if result.returncode == 0 else None


def restore_from_index(project: Path, relatives: Sequence[str]) -> None:
    if relatives:
        run_git(["checkout", "--", *relatives], cwd=project)


def reset_project(project: Path) -> None:
    """Undo everything since HEAD under ``project``: used only after verifying it was clean before."""
    run_git(["reset", "-q", "--", "."], cwd=project, check=False)
    run_git(["checkout", "-q", "--", "."], cwd=project, check=False)
    run_git(["clean", "-fdq", "--", "."], cwd=project, check=False)
