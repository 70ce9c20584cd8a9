"""The local template cache and the ``scaffold://`` URLs that point into it.

Projects record where their template lives in ``.copier-answers.yml`` (``_src_path``). For templates scaffold
versions itself (the built-in one and composed organisation layers) that path is a *symbolic* git URL,
``scaffold://builtin/agent.git`` or ``scaffold://layer/<key>.git``, not a path on this machine: a clone of the
project on another machine, with another home directory or ``$SCAFFOLD_CACHE_DIR``, still names the same
template. While scaffold runs copier, git is told (through ``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``, so no
config file is touched) to read those URLs from this machine's cache:

    url.<cache>/templates/builtin/.insteadOf = scaffold://builtin/
    url.<cache>/templates/layers/.insteadOf  = scaffold://layer/

Plain ``copier update`` works too once the user adds the same two lines to their git config
(``scaffold template versions`` prints them).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from ..cache_dir import cache_root

BUILTIN_PREFIX = "scaffold://builtin/"
LAYER_PREFIX = "scaffold://layer/"


def builtin_dir() -> Path:
    return cache_root() / "templates" / "builtin"


def layers_dir() -> Path:
    return cache_root() / "templates" / "layers"


def url_rewrites() -> dict[str, str]:
    """``scaffold://`` prefix -> directory on this machine (with a trailing slash, as git concatenates)."""
    return {BUILTIN_PREFIX: f"{builtin_dir()}/", LAYER_PREFIX: f"{layers_dir()}/"}


def rewrite_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The ``GIT_CONFIG_*`` variables that map ``scaffold://`` URLs, appended to any the user already set."""
    environ = dict(os.environ if base is None else base)
    try:
        count = int(environ.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    extra: dict[str, str] = {}
    for offset, (prefix, directory) in enumerate(url_rewrites().items()):
        extra[f"GIT_CONFIG_KEY_{count + offset}"] = f"url.{directory}.insteadOf"
        extra[f"GIT_CONFIG_VALUE_{count + offset}"] = prefix
    extra["GIT_CONFIG_COUNT"] = str(count + len(url_rewrites()))
    return extra


@contextlib.contextmanager
def scaffold_urls(variables: dict[str, str] | None = None) -> Iterator[None]:
    """Let every git command in this block (scaffold's and copier's) resolve ``scaffold://`` URLs.

    Copier runs git and tasks through plumbum, whose environment is a snapshot taken at import time, so the
    variables (and any extra ``variables``) go into both ``os.environ`` and ``plumbum.local.env``; both are
    restored afterwards.
    """
    from plumbum import local

    extra = {**rewrite_env(), **(variables or {})}
    saved = {key: os.environ.get(key) for key in extra}
    os.environ.update(extra)
    try:
        with local.env(**extra):
            yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on ``directory`` (created if needed): two runs never tag the same version."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; concurrent first runs are rare there
        yield
        return
    with (directory / ".lock").open("a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
