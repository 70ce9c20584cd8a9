"""Render a project atomically: the destination ends up complete or does not exist at all.

Copier writes into a staging directory created next to the destination (same filesystem), which is then
renamed into place in one ``os.replace``. Any failure - an answer the template rejects, a broken template,
Ctrl-C in a prompt - removes the staging directory, so a retry never meets a half-written project.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .copier_errors import translate_copier_error
from .errors import BadInput, DestinationNotEmpty, ScaffoldError

STAGING_SUFFIX = ".scaffold-staging"


def create_project(
    template: str,
    destination: Path,
    data: Mapping[str, Any],
    *,
    use_defaults: bool,
    vcs_ref: str | None = None,
    display: str | None = None,
    finalize: Callable[[Path], None] | None = None,
    plain_directory: bool = False,
) -> None:
    """Render ``template`` into ``destination`` (absent or an empty directory), or raise leaving no trace.

    ``vcs_ref`` picks the template version; ``display`` names the template in errors; ``finalize`` runs on the
    complete staging directory before it is moved into place (``scaffold new`` makes the first git commit
    there), so a failure in it leaves nothing behind either. ``plain_directory``: ``template`` is a plain
    export scaffold made of a template version (not a git repository), which copier then need not probe.
    """
    refuse_occupied(destination)
    created_parents = _make_parents(destination.parent)
    try:
        staging = _make_staging_dir(destination)
    except ScaffoldError:
        _remove_if_empty(created_parents)
        raise
    try:
        with _terminate_as_exit():
            _render(
                template,
                staging,
                data,
                use_defaults=use_defaults,
                vcs_ref=vcs_ref,
                plain_directory=plain_directory,
            )
            _apply_umask(staging)
            if finalize is not None:
                finalize(staging)
            _move_into_place(staging, destination)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_if_empty(created_parents)
        translated = translate_copier_error(exc, display or template)
        if translated is None or translated is exc:
            raise
        raise translated from None


def refuse_occupied(destination: Path) -> None:
    if destination.is_dir():
        try:
            occupied = any(destination.iterdir())
        except OSError as exc:
            raise BadInput(f"Cannot use {destination}: {exc.strerror}.") from None
        if occupied:
            raise DestinationNotEmpty(
                f"{destination} already exists and is not empty; choose another NAME or --output DIR."
            )
    elif destination.exists() or destination.is_symlink():
        raise DestinationNotEmpty(f"{destination} already exists and is not a directory.")


def _render(
    template: str,
    staging: Path,
    data: Mapping[str, Any],
    *,
    use_defaults: bool,
    vcs_ref: str | None = None,
    plain_directory: bool = False,
) -> None:
    from .copier_worker import render_new_project

    render_new_project(
        template, staging, data, defaults=use_defaults, vcs_ref=vcs_ref, plain_directory=plain_directory
    )


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """Turn SIGTERM into ``SystemExit`` while rendering, so a killed run still removes its staging dir."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def exit_on_term(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, exit_on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _make_parents(parent: Path) -> list[Path]:
    """Create ``parent`` if missing; return the directories created, deepest first, to undo on failure."""
    missing = [directory for directory in (parent, *parent.parents) if not directory.exists()]
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"Cannot create {parent}: {exc.strerror}.") from None
    return missing


def _make_staging_dir(destination: Path) -> Path:
    try:
        parent = destination.parent
        staging = tempfile.mkdtemp(prefix=f".{destination.name}.", suffix=STAGING_SUFFIX, dir=parent)
    except OSError as exc:
        raise BadInput(f"Cannot write in {destination.parent}: {exc.strerror}.") from None
    return Path(staging)


def _apply_umask(directory: Path) -> None:
    """``mkdtemp`` makes a private (0700) directory; give the project the permissions ``mkdir`` would have."""
    umask = os.umask(0)
    os.umask(umask)
    directory.chmod(0o777 & ~umask)


def _move_into_place(staging: Path, destination: Path) -> None:
    try:
        os.replace(staging, destination)  # POSIX rename also replaces an empty directory, atomically
    except OSError as exc:
        if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
            raise DestinationNotEmpty(f"{destination} was filled while the project was rendered.") from None
        raise ScaffoldError(f"Could not move the project into {destination}: {exc.strerror}.") from None


def _remove_if_empty(directories: list[Path]) -> None:
    for directory in directories:
        with contextlib.suppress(OSError):
            directory.rmdir()
