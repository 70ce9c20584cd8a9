"""The documentation site builds with ``mkdocs build --strict`` (as CI publishes it) and has every page the
toolkit promises. Strict mode with the ``validation`` settings of ``mkdocs.yml`` fails on a broken link or
anchor, a link to a file outside ``docs/``, and a page left out of the navigation."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.support.processes import run_ok

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ROOT / "docs"
REQUIRED = [
    "index.md",
    "getting-started.md",
    "concepts.md",
    "targets/agentcore.md",
    "targets/lambda.md",
    "targets/fastapi.md",
    "targets/local.md",
    "identity.md",
    "memory.md",
    "guardrails.md",
    "telemetry.md",
    "packaging-and-deploying.md",
    "lifecycle.md",
    "platform-teams.md",
    "troubleshooting.md",
    "benchmarks.md",
]


def nav_pages(entries: list[Any]) -> list[str]:
    pages: list[str] = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages.extend(nav_pages(value) if isinstance(value, list) else [value])
    return pages


def config() -> dict[str, Any]:
    # mkdocs.yml uses no YAML tags, so the safe loader reads it as MkDocs does.
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    return loaded


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = run_ok(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
    )

    assert "WARNING" not in result.stderr, result.stderr
    for page in REQUIRED:
        built = page.removesuffix(".md")
        html = tmp_path / "site" / ("index.html" if built == "index" else f"{built}/index.html")
        assert html.is_file(), page


def test_every_required_page_is_in_the_navigation_and_every_page_is_reachable() -> None:
    pages = nav_pages(config()["nav"])

    assert config()["theme"]["name"] == "material"
    assert [page for page in REQUIRED if page not in pages] == []
    on_disk = sorted(str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md"))
    assert sorted(pages) == on_disk
