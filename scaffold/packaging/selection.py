"""Which of the project's files go into an artifact, and which are held back as secrets.

Three layers, in this order:

1. built-in exclusions (tooling caches, virtual environments, tests, docs, build output, scaffold's own
   files): things no runtime needs;
2. ``.scaffoldignore`` at the project root, gitignore syntax, matched after the built-ins so ``!tests/``
   can bring a built-in exclusion back;
3. secrets (``.env*``, keys, credential files): never packaged, whatever the ignore files say. These are
   reported as *held back* when the first two layers would have let them through, so the user learns a
   secret sits where it could have shipped. A file the user ignored on purpose is not reported.

Dependencies never pass through here: they come from the package index, and some legitimately carry
``*.pem`` files (certifi's CA bundle).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pathspec

IGNORE_FILE = ".scaffoldignore"

BUILTIN_EXCLUDES = (
    # version control, environments, caches, build output
    ".git/",
    ".hg/",
    ".svn/",
    ".venv/",
    "venv/",
    ".tox/",
    ".nox/",
    "node_modules/",
    "__pycache__/",
    "*.py[cod]",
    ".pytest_cache/",
    ".mypy_cache/",
    ".ruff_cache/",
    ".coverage",
    "htmlcov/",
    "*.egg-info/",
    "/build/",
    "/dist/",
    ".scaffold/",
    ".idea/",
    ".vscode/",
    ".DS_Store",
    "*.swp",
    "*~",
    # project files a runtime never reads
    "/tests/",
    "/test/",
    "/docs/",
    "/evals/",  # scaffold eval sets
    "/README*",
    "/AGENTS.md",
    "/CHANGELOG*",
    "/pyproject.toml",
    "/uv.lock",
    "/requirements*.txt",
    "/.copier-answers.yml",
    "/.gitignore",
    "/.gitattributes",
    IGNORE_FILE,
    "/.dockerignore",
    "/Dockerfile",
    "/.github/",
    "/Makefile",
)

SECRET_PATTERNS = (
    ".env*",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    ".aws/",
    ".ssh/",
    ".gnupg/",
    "credentials",
    "credentials.json",
    ".netrc",
    ".pypirc",
    ".git-credentials",
)


@dataclass(frozen=True)
class ProjectFile:
    rel: str  # POSIX path relative to the project root: also the path inside the artifact
    path: Path
    size: int
    executable: bool

    def digest(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Selection:
    files: tuple[ProjectFile, ...]
    held_back: tuple[str, ...]


def ignore_spec(root: Path) -> pathspec.PathSpec:
    lines = list(BUILTIN_EXCLUDES)
    ignore_file = root / IGNORE_FILE
    if ignore_file.is_file():
        lines += ignore_file.read_text(encoding="utf-8").splitlines()
    return pathspec.GitIgnoreSpec.from_lines(lines)


SECRETS = pathspec.GitIgnoreSpec.from_lines(SECRET_PATTERNS)


def select_files(root: Path, extra_excludes: Iterable[str] = ()) -> Selection:
    """Every file under ``root`` that should ship, in sorted order, and the secrets held back."""
    spec = ignore_spec(root)
    if extra_excludes:
        spec = spec + pathspec.GitIgnoreSpec.from_lines(list(extra_excludes))
    files: list[ProjectFile] = []
    held_back: list[str] = []
    for rel, path in _walk(root, spec):
        if SECRETS.match_file(rel):
            held_back.append(rel)
            continue
        stat = path.stat()
        files.append(ProjectFile(rel, path, stat.st_size, bool(stat.st_mode & 0o111)))
    return Selection(tuple(sorted(files, key=lambda f: f.rel)), tuple(sorted(held_back)))


def _walk(root: Path, spec: pathspec.PathSpec) -> Iterable[tuple[str, Path]]:
    """Files not ignored; ignored directories are not entered (as git does: a file inside an excluded
    directory cannot be re-included). Symlinks are followed, each real directory visited once."""
    seen: set[str] = set()
    for directory, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(directory)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        base = Path(directory).relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        dirnames[:] = sorted(d for d in dirnames if not spec.match_file(f"{prefix}{d}/"))
        for name in sorted(filenames):
            rel = prefix + name
            path = Path(directory, name)
            if spec.match_file(rel) or not path.is_file():
                continue
            yield rel, path
