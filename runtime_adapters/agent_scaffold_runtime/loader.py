"""``AgentRef``: a lazy handle on the project's core module.

Entrypoints name the core by module path instead of importing it, so a Lambda handler module imports in
about 60 ms instead of ~0.5 s, and a server can answer ``/ping`` while Strands is still importing.
"""

from __future__ import annotations

import importlib
import logging
import threading
from types import ModuleType

from .streaming import StreamAgent

logger = logging.getLogger(__name__)


class AgentRef:
    """The core module ``module`` must define ``stream_agent``; adapters drain it for a whole answer."""

    def __init__(self, module: str) -> None:
        self.module_name = module
        self._module: ModuleType | None = None
        self._lock = threading.Lock()

    @property
    def is_loaded(self) -> bool:
        return self._module is not None

    def load(self) -> ModuleType:
        if self._module is not None:
            return self._module
        with self._lock:
            if self._module is None:
                module = importlib.import_module(self.module_name)
                if not callable(getattr(module, "stream_agent", None)):
                    raise ImportError(f"{self.module_name} must define stream_agent(user_id, prompt, ...).")
                self._module = module
        return self._module

    def preload_in_background(self) -> threading.Thread:
        """Start importing the core now, off the serving thread; errors surface on first use."""

        def run() -> None:
            try:
                self.load()
            except Exception:
                # Not swallowed: the first request calls load() again and gets the same error.
                logger.exception("Preloading %s failed; requests will report the error.", self.module_name)

        thread = threading.Thread(target=run, name=f"preload-{self.module_name}", daemon=True)
        thread.start()
        return thread

    @property
    def stream(self) -> StreamAgent:
        fn: StreamAgent = self.load().stream_agent
        return fn

    def __repr__(self) -> str:
        return f"AgentRef({self.module_name!r})"
