"""Where scaffold keeps what it can rebuild: template versions, the runtime wheelhouse, dependency layers
and secret-scan results. One root for all of them, so ``SCAFFOLD_CACHE_DIR`` moves (or, in tests and
benchmarks, empties) every cache at once.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "SCAFFOLD_CACHE_DIR"


def cache_root() -> Path:
    """``$SCAFFOLD_CACHE_DIR``, else ``$XDG_CACHE_HOME/agent-scaffold``, else ``~/.cache/agent-scaffold``."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return (base / "agent-scaffold").resolve()
