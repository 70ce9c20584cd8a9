"""A clock the code under test reads and sleeps on, so a test of waiting and back-off never really sleeps."""

from __future__ import annotations


class FakeClock:
    """``clock()`` is the time now; ``sleep(s)`` records the pause and moves the time on by it at once."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
