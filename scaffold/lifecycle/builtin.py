"""The built-in template as a versioned git repository: one tag per toolkit version, kept in the cache.

The template ships inside the toolkit (a directory of the checkout, or of the wheel), which copier cannot
update from: it needs a git repository with a tag per version. So the first time a toolkit version runs,
its packaged template is committed into ``<cache>/templates/builtin/agent.git`` and tagged
``v<scaffold.__version__>``. Later toolkit versions add their tags next to it, so every project made on this
machine finds the version it was generated from. A source checkout whose template changed without a
version bump gets ``v<version>.post<n>`` tags (PEP 440 orders them after the release), never a moved tag.

Older versions on another machine: ``import_toolkit`` adds the template of any other agent-scaffold (a
checkout, an installed package directory or a wheel file) under its own version.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

from packaging.version import InvalidVersion, Version

from .. import __version__
from ..errors import BadInput
from ..templates import builtin_template, is_copier_template
from . import snapshot
from .cache import BUILTIN_PREFIX, builtin_dir, locked

BUILTIN_URL = f"{BUILTIN_PREFIX}agent.git"
_VERSION_LINE = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.M)


def repo_path() -> Path:
    return builtin_dir() / "agent.git"


def tag_for(version: str) -> str:
    return version if version.startswith("v") else f"v{version}"


def ensure_version(content: Path, version: str) -> str:
    """The tag holding ``content`` as template version ``version``, created when missing."""
    repo = repo_path()
    stamp = _fingerprint(content, version)
    known = _stamps().get(stamp)
    if known and known in snapshot.tag_trees(repo):
        return known  # same files, same sizes and times as last time: no need to hash them again
    with locked(builtin_dir()):
        tag = _ensure_locked(repo, content, version)
        _save_stamp(stamp, tag)
        return tag


def _ensure_locked(repo: Path, content: Path, version: str) -> str:
    snapshot.ensure_bare_repo(repo)
    tree = snapshot.write_tree(repo, content)
    tags = snapshot.tag_trees(repo)
    release = tag_for(version)
    same_version = [name for name in tags if name == release or name.startswith(f"{release}.post")]
    for name in sorted(same_version, key=_sort_key):
        if tags[name] == tree:
            return name
    name = release if release not in tags else f"{release}.post{_next_post(same_version)}"
    commit = snapshot.commit(repo, tree, f"agent-scaffold built-in template {name[1:]}")
    snapshot.add_tag(repo, name, commit)
    return name


def _fingerprint(content: Path, version: str) -> str:
    digest = hashlib.sha256(f"{version}\0{content}".encode())
    for path in snapshot.template_files(content):
        info = path.lstat()
        digest.update(
            f"{path.relative_to(content)}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_mode}\n".encode()
        )
    return digest.hexdigest()


def _stamps() -> dict[str, str]:
    try:
        loaded = json.loads((builtin_dir() / "stamps.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _save_stamp(stamp: str, tag: str) -> None:
    stamps = {**_stamps(), stamp: tag}
    path = builtin_dir() / "stamps.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(dict(list(stamps.items())[-50:])), encoding="utf-8")
    os.replace(temporary, path)


def ensure_installed() -> str:
    """The tag of this toolkit's own template (``v0.1.0``), added to the cache when missing."""
    return ensure_version(builtin_template(), __version__)


def versions() -> list[str]:
    """Every built-in template version in this machine's cache, oldest first."""
    return sorted(snapshot.tag_trees(repo_path()), key=_sort_key)


def has_version(tag: str) -> bool:
    return tag in snapshot.tag_trees(repo_path())


def import_toolkit(source: Path) -> tuple[str, str]:
    """Add the template of another agent-scaffold (checkout, package dir or wheel): (version, tag)."""
    if source.is_file() and source.suffix == ".whl":
        with tempfile.TemporaryDirectory(prefix="scaffold-wheel-") as scratch:
            with zipfile.ZipFile(source) as wheel:
                members = [m for m in wheel.namelist() if m.startswith("scaffold/")]
                wheel.extractall(scratch, members)
            return _import_directory(Path(scratch), source)
    if source.is_dir():
        return _import_directory(source, source)
    raise BadInput(f"{source} is neither a directory nor a .whl file of agent-scaffold.")


def _import_directory(root: Path, shown: Path) -> tuple[str, str]:
    package = root / "scaffold" if (root / "scaffold").is_dir() else root
    init = package / "__init__.py"
    candidates = (package / "_builtin_templates" / "agent", package.parent / "templates" / "agent")
    template = next((c for c in candidates if is_copier_template(c)), None)
    match = _VERSION_LINE.search(init.read_text(encoding="utf-8")) if init.is_file() else None
    if template is None or match is None:
        raise BadInput(
            f"{shown} does not look like agent-scaffold: expected scaffold/__init__.py with __version__ "
            "and templates/agent (a checkout) or scaffold/_builtin_templates/agent (a package or wheel)."
        )
    version = match.group(1)
    return version, ensure_version(template, version)


def _sort_key(tag: str) -> tuple[int, Version | str]:
    try:
        return (1, Version(tag))
    except InvalidVersion:
        return (0, tag)


def _next_post(names: list[str]) -> int:
    posts = [Version(name).post or 0 for name in names if _sort_key(name)[0]]
    return max(posts, default=0) + 1
