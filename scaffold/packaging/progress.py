"""Progress lines for the slow steps (resolving, installing, compiling, zipping).

The API takes any ``Callable[[str], None]``; the CLI passes one that writes to stderr so ``--json`` output
on stdout stays clean. ``Steps`` adds the elapsed time when a step ends, which is what a user waiting on a
network resolve wants to see.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    """The default reporter: packaging from code (the deploy command, tests) says nothing unless asked."""


class Steps:
    def __init__(self, progress: Progress | None) -> None:
        self.report: Progress = progress or quiet

    @contextlib.contextmanager
    def step(self, label: str) -> Iterator[None]:
        self.report(f"{label} ...")
        started = time.perf_counter()
        yield
        self.report(f"{label}: done in {time.perf_counter() - started:.1f} s")

    def note(self, message: str) -> None:
        self.report(message)
