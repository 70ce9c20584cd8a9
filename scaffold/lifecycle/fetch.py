"""Fetch a git-hosted layer or base template at a ref, and find a repository's newest release tag."""

from __future__ import annotations

import shutil
from pathlib import Path

from packaging.version import InvalidVersion, Version

from ..errors import BadInput, TemplateFailure
from .gitutil import run_git

REMOTE_PREFIXES = ("gh:", "gl:", "git@", "git+", "git://", "http://", "https://", "ssh://", "file://")


def is_remote(source: str) -> bool:
    return source.startswith(REMOTE_PREFIXES)


def split_ref(source: str) -> tuple[str, str | None]:
    """``URL@REF`` / ``PATH@REF`` -> (source, ref). The ``@`` of ``git@host:org/x.git`` is not a ref."""
    head, separator, ref = source.rpartition("@")
    if not separator or not head or not ref or "/" in ref or ":" in ref:
        return source, None  # no "@", or it belongs to user@host
    return head, ref


def expand_url(url: str) -> str:
    """Copier's ``gh:``/``gl:`` shortcuts and ``git+`` prefix, as git understands them."""
    for alias, host in (("gh:", "https://github.com/"), ("gl:", "https://gitlab.com/")):
        if url.startswith(alias):
            path = url[len(alias) :].lstrip("/")
            return f"{host}{path}" if path.endswith(".git") else f"{host}{path}.git"
    return url[4:] if url.startswith("git+") else url


def checkout(source: str, ref: str | None, destination: Path) -> Path:
    """Clone ``source`` (URL or local repository) and check out ``ref`` (default branch when ``None``)."""
    url = expand_url(source)
    result = run_git(["clone", "-q", "--no-checkout", "--", url, str(destination)], check=False)
    if result.returncode != 0:
        first = result.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["clone failed"]
        raise TemplateFailure(f"Could not fetch {source}: {first[0]}")
    wanted = ref or "HEAD"
    resolved = run_git(
        ["rev-parse", "--verify", "--quiet", f"{wanted}^{{commit}}"], cwd=destination, check=False
    )
    if resolved.returncode != 0:
        raise BadInput(f"{source} has no ref {wanted!r}; list its tags with: git ls-remote --tags {url}")
    run_git(["checkout", "-q", "--detach", resolved.stdout.decode().strip()], cwd=destination)
    shutil.rmtree(destination / ".git")
    return destination


def release_tags(source: str) -> list[tuple[Version, str]]:
    """The repository's tags that are PEP 440 versions (``v1.2.0`` or ``1.2.0``), newest last."""
    url = expand_url(source)
    result = run_git(["ls-remote", "--tags", "--refs", "--", url], check=False)
    if result.returncode != 0:
        return []
    found: list[tuple[Version, str]] = []
    for line in result.stdout.decode(errors="replace").splitlines():
        name = line.split("\t", 1)[-1].removeprefix("refs/tags/")
        try:
            version = Version(name)
        except InvalidVersion:
            continue
        if not version.is_prerelease:
            found.append((version, name))
    return sorted(found)


def tag_for_version(source: str, version: str) -> str | None:
    """The tag of ``source`` whose version equals ``version`` (``v1.0.0`` or ``1.0.0``), if any."""
    wanted = Version(version)
    return next((name for found, name in release_tags(source) if found == wanted), None)
