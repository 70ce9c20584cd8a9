"""Render a template version with a project's answers into a scratch directory: what it looked like untouched.

That untouched render is the base of every three-way decision scaffold makes itself (copier makes the same
render internally and throws it away): whether a file the template no longer has was edited by the user,
and what a moved file's user edits are.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .cache import scaffold_urls


def render(src_path: str, commit: str | None, answers: Mapping[str, Any], destination: Path) -> Path:
    """``answers`` as read from an answers file; copier's bookkeeping keys are left out of the data."""
    import copier

    data = {key: value for key, value in answers.items() if not str(key).startswith("_")}
    with scaffold_urls():
        copier.run_copy(
            src_path,
            destination,
            data=data,
            vcs_ref=commit,
            defaults=True,
            overwrite=True,
            quiet=True,
            skip_tasks=True,  # the untouched files, not what the template's tasks would do to them
            unsafe=True,  # no tasks run; a template's Jinja extensions were accepted when it was first used
        )
    return destination


def read_answers_text(text: bytes | str | None) -> dict[str, Any]:
    import yaml

    if text is None:
        return {}
    loaded = yaml.safe_load(text)
    return {str(k): v for k, v in loaded.items()} if isinstance(loaded, dict) else {}
