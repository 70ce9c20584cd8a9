"""The project's own settings for scaffold: the ``[tool.scaffold.*]`` tables of its ``pyproject.toml``,
read in one place so every reader refuses an unreadable file with the same clear error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import BadInput


def scaffold_table(root: Path, *names: str) -> Any:
    """``[tool.scaffold.<names...>]`` of ``root/pyproject.toml``: ``{}`` when the file or the table is not
    there, ``BadInput`` when the file cannot be read or parsed. The value is not checked: it may be any
    TOML value where the user wrote one (or a non-table on the way to it), so each caller checks the shape
    it needs."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadInput(f"Could not read {path}: {exc}.") from None
    table: Any = data.get("tool", {}).get("scaffold", {})
    for name in names:
        if not isinstance(table, dict):
            return table  # a value where a table belongs: the caller's shape check names it
        table = table.get(name, {})
    return table
