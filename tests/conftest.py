"""Suite-wide hooks: the order in which pytest-xdist workers get the tests (``pytest -n 2``, as CI runs it).

xdist deals the tests to whichever worker is free. The directories that hold ``slow`` tests (fresh virtual
environments, artifact builds: minutes each) go first, so none of them starts last while the other worker
sits idle; the rest follow, largest directory first, each in its usual order. Every worker collects and
sorts the same way (xdist checks that the collections agree). Without ``-n`` nothing is reordered.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def group_of(path: Path) -> str:
    """``tests/cli/test_x.py`` -> ``cli``; a top-level ``tests/test_x.py`` is its own group."""
    relative = path.relative_to(TESTS)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):  # a serial run, or xdist's controller (it collects nothing)
        return
    groups = {item: group_of(item.path) for item in items}
    sizes = Counter(groups.values())
    slow = {group for item, group in groups.items() if item.get_closest_marker("slow")}
    items.sort(key=lambda item: (groups[item] not in slow, -sizes[groups[item]], groups[item]))
