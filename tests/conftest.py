"""Suite-wide hooks: how the suite is split between pytest-xdist workers (``pytest -n 2``, as CI runs it).

Each directory of ``tests/`` (and each test module at the top level) is one ``xdist_group``, run whole by
one worker in its usual order (``-n`` means ``--dist loadgroup`` here: ``pytest_configure``). So what a
directory shares at package or session scope (a generated project, a built artifact, a moto server, the
browser) is still built once, as in a serial run, and no test meets a neighbour it never met before. A
worker takes the next group when it is done with one; the groups that hold ``slow`` tests (fresh virtual
environments, artifact builds: minutes each) go first, so none of them starts last while the other worker
sits idle. The rest go largest first. Without ``-n`` nothing is reordered: the hook only adds a mark.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def xdist_group_of(path: Path) -> str:
    """``tests/cli/test_x.py`` -> ``cli``; a top-level ``tests/test_x.py`` is its own group."""
    relative = path.relative_to(TESTS)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def pytest_configure(config: pytest.Config) -> None:
    """``-n N`` alone distributes by group (xdist's default would send single tests anywhere, and build
    every shared project and artifact once per worker), in the order given below."""
    if getattr(config.option, "numprocesses", None) and config.option.dist in ("load", "loadgroup"):
        config.option.dist = "loadgroup"
        config.option.loadscopereorder = False


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    groups = {item: xdist_group_of(item.path) for item in items}
    for item, group in groups.items():
        item.add_marker(pytest.mark.xdist_group(group))
    if not hasattr(config, "workerinput"):  # a serial run, or xdist's controller (it collects nothing)
        return
    sizes = Counter(groups.values())
    slow = {group for item, group in groups.items() if item.get_closest_marker("slow")}
    # Every worker collects, and the controller checks that they agree: the order must be deterministic.
    items.sort(key=lambda item: (groups[item] not in slow, -sizes[groups[item]], groups[item]))
