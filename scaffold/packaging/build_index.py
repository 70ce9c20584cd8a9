"""Remember finished builds by the hash of their inputs, so an unchanged project is not zipped again.

``<project>/.scaffold/build/<target>/index.json`` maps an input key (dependency layer, project file
hashes, target, platform, bytecode interpreter) to the zip it produced. A hit is trusted only if the zip is
still there with the recorded hash. The most recent ``KEEP`` builds per target are kept; older zips go.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .archive import file_sha256

INDEX = "index.json"
KEEP = 6


def lookup(build_dir: Path, key: str) -> dict[str, Any] | None:
    entry = _read(build_dir).get(key)
    if not isinstance(entry, dict):
        return None
    path = build_dir / str(entry.get("file", ""))
    try:
        if path.stat().st_size != entry.get("size_bytes") or file_sha256(path) != entry.get("sha256"):
            return None
    except OSError:
        return None
    return entry


def record(build_dir: Path, key: str, entry: dict[str, Any]) -> None:
    index = _read(build_dir)
    index.pop(key, None)
    index[key] = entry  # insertion order is recency
    while len(index) > KEEP:
        index.pop(next(iter(index)))
    keep = {str(item.get("file")) for item in index.values()}
    for old in build_dir.glob("*.zip"):
        if old.name not in keep:
            old.unlink(missing_ok=True)
    temporary = build_dir / f".{INDEX}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(index, indent=1), encoding="utf-8")
    os.replace(temporary, build_dir / INDEX)


def _read(build_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((build_dir / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
