"""Which of the project's files go into an artifact, and which are held back, and why.

Three layers, in this order:

1. built-in exclusions (tooling caches, virtual environments, tests, docs, build output, scaffold's own
   files): things no runtime needs;
2. ``.scaffoldignore`` at the project root, gitignore syntax, matched after the built-ins so ``!tests/``
   can bring a built-in exclusion back;
3. secrets, never packaged whatever the ignore files say (``secret_scan``): well-known credential files by
   name (``.env*``, keys, ``.npmrc``, ``*.tfstate``, ...) and any file in which detect-secrets finds a
   credential. These are reported as *held back*, each with the rule that caught it, when the first two
   layers would have let them through, so the user learns a secret sits where it could have shipped. A file
   the user ignored on purpose is not reported. A false positive ships only by name, from the committed
   ``[tool.scaffold.package] allow_secrets`` list in pyproject.toml.

Nothing from outside the project enters an artifact: symlinks are resolved, and one that leads outside the
project (``p.txt -> /etc/passwd``, a directory elsewhere) or nowhere is held back; one that stays inside
ships the file it resolves to, judged by the secret rules as that file (``a.txt -> .env`` is held back as
``.env`` is).

Dependencies never pass through here: they come from the package index, and some legitimately carry
``*.pem`` files (certifi's CA bundle).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from ..errors import BadInput
from ..pyproject_tool import scaffold_table
from .secret_scan import name_rule, scan_contents

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
    "/environments.toml",  # deploy settings per environment (scaffold deploy --env), never read at run time
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


@dataclass(frozen=True)
class ProjectFile:
    rel: str  # POSIX path relative to the project root: also the path inside the artifact
    path: Path  # the real file (a symlink resolved, always inside the project): what is read
    size: int
    executable: bool
    sha256: str

    def digest(self) -> str:
        return self.sha256


@dataclass(frozen=True)
class HeldBack:
    """A file kept out of the artifact and the rule that caught it: ``AWSKeyDetector`` (a detect-secrets
    plugin), ``name .env*`` (a name rule), ``symlink outside the project (/etc/passwd)``; a symlink inside
    the project is judged as its target: ``symlink to .env: name .env*``."""

    rel: str
    rule: str

    def __str__(self) -> str:
        return f"{self.rel}: {self.rule}"


@dataclass(frozen=True)
class Selection:
    files: tuple[ProjectFile, ...]
    held_back_rules: tuple[HeldBack, ...]  # sorted by path

    @property
    def held_back(self) -> tuple[str, ...]:
        return tuple(item.rel for item in self.held_back_rules)


@dataclass(frozen=True)
class _Candidate:
    rel: str
    real: Path
    target: str  # the real file's path relative to the project root (== rel unless a symlink)


def ignore_spec(root: Path) -> pathspec.PathSpec:
    lines = list(BUILTIN_EXCLUDES)
    ignore_file = root / IGNORE_FILE
    if ignore_file.is_file():
        lines += ignore_file.read_text(encoding="utf-8").splitlines()
    return pathspec.GitIgnoreSpec.from_lines(lines)


def select_files(root: Path, extra_excludes: Iterable[str] = ()) -> Selection:
    """Every file under ``root`` that should ship, in sorted order, and what is held back, with why."""
    spec = ignore_spec(root)
    if extra_excludes:
        spec = spec + pathspec.GitIgnoreSpec.from_lines(list(extra_excludes))
    allowed = allowed_secrets(root)
    held_back: list[HeldBack] = []
    to_scan: list[tuple[_Candidate, str]] = []
    shipped: list[tuple[_Candidate, str]] = []
    for found in _walk(root, spec):
        if isinstance(found, HeldBack):
            held_back.append(found)
            continue
        digest = file_sha256(found.real)
        if found.rel in allowed and found.target in allowed:
            shipped.append((found, digest))
            continue
        rule = name_rule(found.rel) or name_rule(found.target)
        if rule is not None:
            held_back.append(HeldBack(found.rel, _via(found) + f"name {rule}"))
        else:
            to_scan.append((found, digest))
    findings = scan_contents([(found.real, digest) for found, digest in to_scan])
    for found, digest in to_scan:
        plugins = findings[found.real]
        if plugins:
            held_back.append(HeldBack(found.rel, _via(found) + ", ".join(plugins)))
        else:
            shipped.append((found, digest))
    files = [_project_file(found, digest) for found, digest in shipped]
    return Selection(
        tuple(sorted(files, key=lambda f: f.rel)), tuple(sorted(held_back, key=lambda item: item.rel))
    )


def allowed_secrets(root: Path) -> frozenset[str]:
    """``[tool.scaffold.package] allow_secrets`` of the project's pyproject.toml: paths (relative to the
    project root, as held-back reports name them) that ship although a secret rule caught them."""
    table = scaffold_table(root, "package")
    entries = table.get("allow_secrets", []) if isinstance(table, dict) else None
    if not isinstance(entries, list) or not all(isinstance(entry, str) for entry in entries):
        path = root / "pyproject.toml"
        raise BadInput(f"[tool.scaffold.package] allow_secrets in {path} must be a list of file paths.")
    return frozenset(entry.strip().removeprefix("./") for entry in entries)


def _via(found: _Candidate) -> str:
    return "" if found.target == found.rel else f"symlink to {found.target}: "


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _project_file(found: _Candidate, digest: str) -> ProjectFile:
    stat = found.real.stat()
    return ProjectFile(found.rel, found.real, stat.st_size, bool(stat.st_mode & 0o111), digest)


def _walk(root: Path, spec: pathspec.PathSpec) -> Iterator[_Candidate | HeldBack]:
    """Files not ignored; ignored directories are not entered (as git does: a file inside an excluded
    directory cannot be re-included). Every path is resolved: what resolves outside the project, or to
    nothing, is held back; a symlinked directory inside it is entered (its files ship under the link's
    path, as well as under their own), unless it loops back to a directory above it."""
    real_root = os.path.realpath(root)

    def visit(
        real_dir: str, prefix: str, real_prefix: str, ancestors: frozenset[str]
    ) -> Iterator[_Candidate | HeldBack]:
        """``real_dir``: a directory with no symlink in its path; ``prefix``: its path as shipped (through
        symlinks), ``real_prefix``: its real path, both relative to the project root. A symlink back to
        one of its ``ancestors`` (a loop) is not entered again."""
        if real_dir in ancestors:
            return
        ancestors = ancestors | {real_dir}
        with os.scandir(real_dir) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        for entry in entries:
            rel = prefix + entry.name
            link = entry.is_symlink()
            # real_dir has no symlink in it, so only a symlink needs resolving (realpath costs a
            # system call per path component)
            real = os.path.realpath(entry.path) if link else entry.path
            is_dir = os.path.isdir(real) if link else entry.is_dir(follow_symlinks=False)
            if spec.match_file(f"{rel}/" if is_dir else rel):
                continue
            if link and not _inside(real, real_root):
                where = real if os.path.exists(real) else f"{os.readlink(entry.path)}, which does not exist"
                yield HeldBack(rel, f"symlink outside the project ({where})")
            elif link and not os.path.exists(real):
                yield HeldBack(rel, f"symlink to {os.readlink(entry.path)}, which does not exist")
            elif is_dir:
                real_rel = _relative(real, real_root) if link else real_prefix + entry.name
                yield from visit(real, rel + "/", real_rel + "/", ancestors)
            elif os.path.isfile(real) if link else entry.is_file(follow_symlinks=False):
                # a regular file, not a socket, pipe or device
                target = _relative(real, real_root) if link else real_prefix + entry.name
                yield _Candidate(rel, Path(real), target)

    yield from visit(real_root, "", "", frozenset())


def _relative(path: str, root: str) -> str:
    return Path(path).relative_to(root).as_posix()


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
