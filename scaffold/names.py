"""Project-name rules, checked before copier runs so a bad name fails fast with a precise reason.

The rule mirrors the template's own ``project_name`` validator (2-40 characters of lowercase letters, digits
and single hyphens, starting with a letter and ending with a letter or digit): the name becomes a directory,
a distribution name and, with ``-`` turned into ``_``, the Python package name.
"""

from __future__ import annotations

import re

from .errors import InvalidProjectName

MIN_LENGTH = 2
MAX_LENGTH = 40
PROJECT_NAME_PATTERN = r"^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*[a-z0-9]$"
_PROJECT_NAME_RE = re.compile(PROJECT_NAME_PATTERN)
_ALLOWED_CHAR_RE = re.compile(r"[a-z0-9-]")
_EXAMPLE = "weather-agent"


def name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid project name, or ``None`` when it is."""
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH:
        return f"it must be {MIN_LENGTH}-{MAX_LENGTH} characters long (it has {len(name)})"
    bad = sorted({char for char in name if not _ALLOWED_CHAR_RE.match(char)})
    if bad:
        shown = ", ".join(repr(char) for char in bad)
        return f"it may only contain lowercase letters, digits and hyphens (found {shown})"
    if not name[0].isalpha():
        return "it must start with a lowercase letter"
    if "--" in name:
        return "hyphens must be single (found '--')"
    if not name[-1].isalnum():
        return "it must end with a letter or digit"
    if not _PROJECT_NAME_RE.match(name):  # pragma: no cover - the checks above cover every way to fail
        return "it does not match " + PROJECT_NAME_PATTERN
    return None


def suggest_name(name: str) -> str | None:
    """A valid name close to ``name`` (``My_Agent`` -> ``my-agent``), or ``None`` when there is none."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)[:MAX_LENGTH].rstrip("-")
    return slug if slug != name and name_problem(slug) is None else None


def validate_project_name(name: str) -> str:
    problem = name_problem(name)
    if problem is None:
        return name
    suggestion = suggest_name(name)
    hint = f"Try: {suggestion}" if suggestion else f"Example: scaffold new {_EXAMPLE}"
    raise InvalidProjectName(f"Invalid project name {name!r}: {problem}. {hint}")


def package_name_for(project_name: str) -> str:
    """The importable package a project keeps its code in."""
    return project_name.replace("-", "_")
