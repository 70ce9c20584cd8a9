"""``scaffold new``'s git repository: a first commit by default, so lifecycle commands work right away.

A project created inside an existing work tree (a monorepo) is left alone: committing in a repository the
user owns is theirs to do, so ``new`` only says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ScaffoldError
from .gitutil import GitError, git_available, init_and_commit, toplevel


@dataclass(frozen=True)
class GitPlan:
    state: str  # "initialized" | "inside-repository" | "disabled" | "git-missing"
    repository: Path | None = None

    @property
    def init(self) -> bool:
        return self.state == "initialized"

    def note(self, name: str) -> str:
        if self.state == "initialized":
            return (
                "\nGit: a new repository with a first commit (scaffold target, configure and update need it)."
            )
        if self.state == "inside-repository":
            return (
                f"\nGit: {name} is inside the repository {self.repository}; commit it there "
                f"(git add {name} && git commit) before using scaffold target, configure or update."
            )
        needs = "scaffold target, configure and update need the project committed in git"
        if self.state == "git-missing":
            return f"\nGit: not found, so the project is not versioned; {needs}."
        return f"\nGit: skipped (--no-git); {needs}."


def git_plan(destination: Path, *, enabled: bool) -> GitPlan:
    if not enabled:
        return GitPlan("disabled")
    if not git_available():
        return GitPlan("git-missing")
    repository = toplevel(destination.parent)
    if repository is not None:
        return GitPlan("inside-repository", repository)
    return GitPlan("initialized")


def initial_commit(directory: Path, message: str) -> None:
    try:
        init_and_commit(directory, message)
    except GitError as exc:
        raise ScaffoldError(
            f"Could not create the project's git repository ({exc.message}); pass --no-git to skip."
        ) from None
