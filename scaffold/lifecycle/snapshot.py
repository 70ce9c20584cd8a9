"""Deterministic, tagged commits of a template directory in a bare repository of the cache.

Each version is a *root* commit (no parent) written with a fixed author, committer and date, so the same
template content and version always produce the same commit id, on any machine: a cache rebuilt from the
same sources is indistinguishable from the original. Copier only needs the tag (``_commit`` records
``git describe --tags``), never the history between versions.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from .gitutil import git_text, run_git

# Build leftovers never belong to a template version (and would make identical content look different).
SKIPPED_NAMES = frozenset(
    {".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".DS_Store", ".lock"}
)
SKIPPED_SUFFIXES = (".pyc", ".pyo")
_FIXED_DATE = "2000-01-01T00:00:00+0000"
COMMIT_ENV = {
    "GIT_AUTHOR_NAME": "agent-scaffold",
    "GIT_AUTHOR_EMAIL": "agent-scaffold@localhost",
    "GIT_COMMITTER_NAME": "agent-scaffold",
    "GIT_COMMITTER_EMAIL": "agent-scaffold@localhost",
    "GIT_AUTHOR_DATE": _FIXED_DATE,
    "GIT_COMMITTER_DATE": _FIXED_DATE,
}


def ensure_bare_repo(repo: Path) -> None:
    if not (repo / "HEAD").is_file():
        repo.mkdir(parents=True, exist_ok=True)
        run_git(["init", "-q", "--bare", str(repo)])


def template_files(directory: Path) -> list[Path]:
    """Every file under ``directory`` except build leftovers, sorted (git sorts the tree itself anyway)."""
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_NAMES)
        for name in sorted(files):
            if name in SKIPPED_NAMES or name.endswith(SKIPPED_SUFFIXES):
                continue
            found.append(Path(root) / name)
    return found


def write_tree(repo: Path, directory: Path) -> str:
    """Store ``directory`` in ``repo`` and return its tree id (ignore rules of any kind do not apply)."""
    env = {"GIT_DIR": str(repo)}
    files = template_files(directory)
    regular = [path for path in files if not path.is_symlink()]
    hashed = run_git(
        ["hash-object", "-w", "--no-filters", "--stdin-paths"],
        env=env,
        input="".join(f"{path}\n" for path in regular).encode(),
    )
    blobs = dict(zip(regular, hashed.stdout.decode().split(), strict=True))
    lines: list[str] = []
    for path in files:
        relative = path.relative_to(directory).as_posix()
        if path.is_symlink():
            link = run_git(["hash-object", "-w", "--stdin"], env=env, input=os.readlink(path).encode())
            lines.append(f"120000 {link.stdout.decode().strip()}\t{relative}")
        else:
            mode = "100755" if path.stat().st_mode & stat.S_IXUSR else "100644"
            lines.append(f"{mode} {blobs[path]}\t{relative}")
    with tempfile.TemporaryDirectory(prefix="scaffold-index-") as scratch:
        index_env = {**env, "GIT_INDEX_FILE": str(Path(scratch) / "index")}
        run_git(["update-index", "--add", "--index-info"], env=index_env, input="\n".join(lines).encode())
        return git_text(["write-tree"], env=index_env)


def commit(repo: Path, tree: str, message: str) -> str:
    return git_text(["commit-tree", tree, "-m", message], env={"GIT_DIR": str(repo), **COMMIT_ENV})


def tag_trees(repo: Path) -> dict[str, str]:
    """Tag name -> tree id of the commit it points at."""
    if not (repo / "HEAD").is_file():
        return {}
    output = git_text(
        ["for-each-ref", "--format=%(refname:strip=2)%09%(tree)", "refs/tags"], env={"GIT_DIR": str(repo)}
    )
    pairs = (line.split("\t", 1) for line in output.splitlines() if "\t" in line)
    return {name: tree for name, tree in pairs}


def add_tag(repo: Path, name: str, commit_id: str) -> None:
    env = {"GIT_DIR": str(repo)}
    run_git(["tag", "--no-sign", name, commit_id], env=env)
    # A HEAD that points at a real commit lets copier (and people) clone the repository without a ref.
    run_git(["update-ref", "refs/heads/main", commit_id], env=env)
    run_git(["symbolic-ref", "HEAD", "refs/heads/main"], env=env)


def export(repo: Path, ref: str, destination: Path) -> Path:
    """Check ``ref`` out into ``destination`` (created), without a ``.git``: the template's plain files."""
    destination.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scaffold-index-") as scratch:
        env = {"GIT_DIR": str(repo), "GIT_INDEX_FILE": str(Path(scratch) / "index")}
        run_git(["read-tree", f"{ref}^{{tree}}"], env=env)
        run_git(["checkout-index", "-a", "-f"], env={**env, "GIT_WORK_TREE": str(destination)})
    return destination


def exported(repo: Path, tag: str) -> Path:
    """A plain checkout of ``tag`` kept next to ``repo`` (tags never move, so it never goes stale).

    ``scaffold new`` renders from it: copier renders a plain directory several times faster than a git
    source, which it clones on every run. The project still records the versioned source (``record.py``).
    """
    target = repo.parent / f"{repo.name}.exports" / tag
    if target.is_dir():  # only ever created complete, by the rename below
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{tag}.", dir=target.parent))
    try:
        export(repo, tag, staging)
        os.replace(staging, target)
    except OSError:
        if not target.is_dir():  # not merely another run that finished first
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
