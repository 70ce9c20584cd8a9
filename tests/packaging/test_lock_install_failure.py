"""An install that fails leaves nothing a rerun trips on: not the half-built layer, not a lock it wrote.

The index can change between resolving and installing (a release withdrawn, or a mirror mid-sync that
lists a version it cannot serve yet), so a pin can resolve and then fail to install. Here the lock names a
distribution the index does not have, and real uv installs from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.packaging.deps import ensure_layer
from scaffold.packaging.errors import PackagingError
from scaffold.packaging.lock import LOCK_DIR, Lock
from scaffold.packaging.progress import Steps

PIN = "agent-scaffold-no-such-distribution==1.0.0"
PLATFORM, PYTHON = "x86_64-manylinux2014", "3.12"


def lock_at(tmp_path: Path, *, reused: bool) -> Lock:
    path = tmp_path / LOCK_DIR / f"lambda-{PLATFORM}-py{PYTHON}.txt"
    path.parent.mkdir(parents=True)
    text = f"# scaffold-inputs: test\n{PIN}\n"
    path.write_text(text)
    return Lock(text, (PIN,), path, reused=reused)


def test_a_lock_this_run_wrote_is_removed_so_the_rerun_resolves_again(
    tmp_path: Path, scaffold_cache: Path
) -> None:
    lock = lock_at(tmp_path, reused=False)

    with pytest.raises(PackagingError) as raised:
        ensure_layer(lock, PLATFORM, PYTHON, Steps(None))

    message = str(raised.value)
    assert message.startswith(f"Installing the dependencies for {PLATFORM}, Python {PYTHON} failed")
    assert "agent-scaffold-no-such-distribution" in message
    assert message.endswith(
        f"{LOCK_DIR.as_posix()}/{lock.path.name} was removed: run the command again to resolve afresh."
    )
    assert not lock.path.exists()
    assert not list((scaffold_cache / "deps").glob(".building-*"))  # no half-built layer either


def test_an_earlier_lock_is_kept_and_the_error_names_upgrade(tmp_path: Path, scaffold_cache: Path) -> None:
    lock = lock_at(tmp_path, reused=True)

    with pytest.raises(PackagingError, match=r"resolved before: --upgrade resolves them again\.$"):
        ensure_layer(lock, PLATFORM, PYTHON, Steps(None))

    assert lock.path.read_text() == lock.text
    assert not list((scaffold_cache / "deps").glob(".building-*"))
