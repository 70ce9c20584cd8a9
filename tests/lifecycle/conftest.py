"""Every lifecycle test runs against its own template caches (scaffold's and copier's), never the user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="package", autouse=True)
def isolated_caches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("caches")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCAFFOLD_CACHE_DIR", str(root / "scaffold"))
        patch.setenv("COPIER_CACHE_DIR", str(root / "copier"))
        yield root


@pytest.fixture
def fresh_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Another machine: empty template caches (the project and its git history are all that travel)."""
    root = tmp_path / "other-machine-cache"
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(root / "scaffold"))
    monkeypatch.setenv("COPIER_CACHE_DIR", str(root / "copier"))
    return root
