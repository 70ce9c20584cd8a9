"""Progress on stderr: one line per step, a live timer while something long runs.

On a terminal a long wait redraws one line in place ("waiting for READY … 12 s (CREATING)"); elsewhere (CI
logs, pipes) it prints a line when the wait starts, then at most one every ``NOTE_EVERY_S`` seconds.
``quiet`` silences everything but errors, for ``--json`` consumers that only read stdout anyway.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

NOTE_EVERY_S = 10.0


class Progress:
    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._live = False
        self._last_note = 0.0
        self._last_what = ""

    def line(self, text: str) -> None:
        if self.quiet:
            return
        self._end_live()
        self.stream.write(text + "\n")
        self.stream.flush()

    def waiting(self, what: str, elapsed_s: float, detail: str = "") -> None:
        """Called repeatedly during a wait; shows how long it has taken so far."""
        if self.quiet:
            return
        suffix = f" ({detail})" if detail else ""
        text = f"    {what} … {elapsed_s:.0f} s{suffix}"
        if self.tty:
            self.stream.write("\r\x1b[2K" + text)
            self.stream.flush()
            self._live = True
            return
        now = time.monotonic()
        if what != self._last_what or now - self._last_note >= NOTE_EVERY_S:
            self._last_what, self._last_note = what, now
            self.stream.write(text + "\n")
            self.stream.flush()

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        """A callback for other components (the artifact builder): prints what it is told, one line each."""
        message = kwargs.get("message") or (args[0] if args else "")
        if message:
            self.line(f"    {message}")

    def _end_live(self) -> None:
        if self._live:
            self.stream.write("\n")
            self._live = False
