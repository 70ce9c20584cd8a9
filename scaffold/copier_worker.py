"""Copier's ``Worker`` for rendering a new project into an empty staging directory, without two costs that
buy nothing there.

``scaffold new`` (``rendering.create_project``) renders into a directory it has just created, so:

- copier runs ``git config core.fileMode`` once per rendered file, to copy executable bits into the
  destination's git index (``Worker._sync_git_index_executable_bit``). That only ever does something for a
  file already tracked by git, and nothing in a new staging directory is: it is a no-op there that costs a
  git process per file (about a quarter of copier's rendering time for the built-in template);
- copier asks git whether a template directory is a repository or a bundle (``git rev-parse``, then
  ``git init`` and ``git bundle verify`` in a temporary repository it deletes again). For the plain export
  of a template version scaffold made itself (``plain_directory``), the answer is known: neither;
- copier compiles every Jinja string it renders (question defaults, validators, ``when`` conditions, path
  names) again each time it meets it, about 500 compilations of fewer than 200 distinct strings. The
  compiled code of a string does not depend on the values it is rendered with, so it is kept for the
  worker's lifetime.

While copier is imported and renders (hundreds of thousands of short-lived objects: pydantic models, Jinja
syntax trees), Python's cyclic garbage collector runs less often (``fewer_collections``): it would
otherwise walk every live object dozens of times for almost no garbage. The thresholds are restored after.

Everything else, the files written and every error, is copier's own behaviour (a test renders the template
both ways and compares).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Mapping
from functools import cache, cached_property
from pathlib import Path
from types import CodeType
from typing import Any

from jinja2 import Environment


def render_new_project(
    template: str,
    destination: Path,
    data: Mapping[str, Any],
    *,
    defaults: bool,
    vcs_ref: str | None,
    plain_directory: bool = False,
) -> None:
    """``copier.run_copy`` with the settings ``rendering`` always used, through ``NewProjectWorker``.

    ``plain_directory``: ``template`` is a plain export scaffold made (``snapshot.exported``), not a git
    repository or bundle, so copier need not ask git.

    ``Worker`` is copier's engine but not its public API: should a copier release move it, this falls back
    to ``copier.run_copy`` (slower, same result) rather than failing.
    """
    options: dict[str, Any] = {
        "data": dict(data),
        "vcs_ref": vcs_ref,
        "defaults": defaults,
        "quiet": True,
        "unsafe": False,
        "overwrite": True,  # the staging directory starts empty; never stop to ask about conflicts
        "cleanup_on_error": False,  # scaffold removes the staging directory itself
    }
    with fewer_collections():
        worker_class = new_project_worker(plain_directory)
        if worker_class is None:
            from copier import run_copy

            run_copy(template, destination, **options)
            return
        with worker_class(src_path=template, dst_path=destination, **options) as worker:
            worker.run_copy()


@contextlib.contextmanager
def fewer_collections(threshold: int = 50_000) -> Iterator[None]:
    """Run the cyclic garbage collector after ``threshold`` new objects instead of 700 (the default)."""
    previous = gc.get_threshold()
    gc.set_threshold(threshold, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@cache
def new_project_worker(plain_directory: bool = False) -> type[Any] | None:
    """``NewProjectWorker``, a subclass of copier's ``Worker`` (see the module docstring), or ``None``."""
    try:
        from copier._main import Worker
    except ImportError:
        return None

    class NewProjectWorker(Worker):
        def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
            """Nothing under a new staging directory is tracked by git: copier's sync would do nothing."""

        @cached_property
        def jinja_env(self) -> Any:  # copier's SandboxedEnvironment
            env = super().jinja_env
            if not self.template.jinja_extensions:  # a template's own extensions may expect each compile
                memoize_string_compiles(env)
            return env

    if not plain_directory:
        return NewProjectWorker

    class PlainDirectoryWorker(NewProjectWorker):
        @cached_property
        def template(self) -> Any:  # copier's Template
            template = super().template
            template.__dict__["vcs"] = None  # Template.vcs (a cached_property): not a repository or bundle
            return template

    return PlainDirectoryWorker


def memoize_string_compiles(env: Environment) -> None:
    """Compile each distinct template *string* (``env.from_string``) once; files still go through the loader.

    The extensions' ``preprocess`` hooks still run on every use, as a compilation would run them: copier's
    ``yield`` tag resets its state there before each render of a path name.
    """
    compiled: dict[tuple[str, bool], CodeType | str] = {}
    compile_each_time: Callable[..., Any] = env.compile

    def compile_once(
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if name is not None or filename is not None or defer_init or not isinstance(source, str):
            return compile_each_time(source, name, filename, raw, defer_init)
        key = (source, raw)
        if key in compiled:
            env.preprocess(source)
            return compiled[key]
        code = compile_each_time(source, None, None, raw, defer_init)
        compiled[key] = code
        return code

    env.compile = compile_once  # type: ignore[method-assign]
