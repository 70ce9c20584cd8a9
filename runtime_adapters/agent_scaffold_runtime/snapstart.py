"""Lambda SnapStart: do the init work before the snapshot, renew what must not be shared after a restore.

Without SnapStart a Lambda handler imports the agent core lazily, on the first request, so a cold start
pays only for what it uses. With SnapStart, Lambda runs the init phase once when a version is published and
snapshots the memory; every new execution environment resumes from that snapshot. The lazy import would
leave the snapshot empty, so the first request of every environment would still import Strands. These hooks
move that work into the snapshot:

- before the snapshot (``prepare``): import the core, its tools and settings, the model provider's module,
  the session backend, guardrails and telemetry; build the request pipeline (the JWT verifier without
  fetching keys); parse one request body (its codec is imported on first use); and run one turn of the
  offline model through Strands' event loop, which imports the modules a first answer needs. Nothing is
  written (no session, no log line) and no network is used.
- after a restore (``renew``): everything that must be unique or fresh per environment: the random seed,
  cached credentials and AWS clients (their credentials expire), the identity provider's keys (a snapshot
  may be weeks old; keys rotate), and the clocks those caches compared against.

The hooks are registered through ``snapshot_restore_py``, which Lambda's Python managed runtimes (3.12+)
include; where it is absent (local runs, Python 3.11) nothing is registered and nothing changes. Lambda
runs before-snapshot hooks in reverse order of registration and after-restore hooks in order; init with the
hooks may take up to 15 minutes, and after-restore hooks must finish within 10 seconds, so ``renew`` does no
network I/O: it only forgets.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import random
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("agent_scaffold_runtime.snapstart")

#: The prompt of the warm-up turn: the offline model answers it with text and calls no tool, so no project
#: tool runs at snapshot time.
WARM_PROMPT = "snapstart warm-up"
_PROVIDER_MODULES = {
    "offline": "agent_scaffold_runtime.offline_model",
    "bedrock": "strands.models.bedrock",
    "anthropic": "strands.models.anthropic",
    "openai": "strands.models.openai",
    "ollama": "strands.models.ollama",
    "litellm": "strands.models.litellm",
}
_MEMORY_MODULES = {
    "file": "agent_scaffold_runtime.memory.file",
    "s3": "agent_scaffold_runtime.memory.s3",
    "agentcore": "agent_scaffold_runtime.memory.agentcore",
}


def register(prepare: Callable[[], None], renew: Callable[[], None]) -> bool:
    """Register the hooks with Lambda's runtime; ``False`` where SnapStart's library is not installed."""
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return False
    register_before_snapshot(prepare)
    register_after_restore(renew)
    return True


def warm_imports(defaults: dict[str, Any]) -> list[str]:
    """Import the modules a first answer needs that the core does not import by itself; returns them.

    The model provider is the one ``AGENT_MODEL_PROVIDER`` names, else every provider whose SDK the
    artifact carries (a zip carries only the project's own); the session backend is the one the settings
    choose (the core builds it per request, importing its module on first use).
    """
    from .memory import MemoryConfig

    provider = (os.environ.get("AGENT_MODEL_PROVIDER") or "").strip().lower()
    known = provider in _PROVIDER_MODULES
    modules = [_PROVIDER_MODULES[provider]] if known else list(_PROVIDER_MODULES.values())
    memory = MemoryConfig.from_env(defaults=defaults)
    if memory.backend in _MEMORY_MODULES:
        modules.append(_MEMORY_MODULES[memory.backend])
    imported = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as error:  # a provider SDK the artifact does not carry: not this project's
            logger.debug("SnapStart warm-up: %s not importable (%s)", name, error)
            continue
        imported.append(name)
    return imported


def warm_turn() -> str:
    """One offline turn through a Strands ``Agent``: imports what Strands loads on a first answer."""
    from strands import Agent

    from .offline_model import OfflineModel

    agent = Agent(model=OfflineModel(), callback_handler=None)

    async def run() -> str:
        chunks = []
        async for event in agent.stream_async(WARM_PROMPT):
            if "data" in event:
                chunks.append(event["data"])
        return "".join(chunks)

    return asyncio.run(run())


def renew(authenticator: Any) -> None:
    """After a restore: new randomness, no cached credentials, clients or identity-provider keys."""
    random.seed()  # the snapshot holds the generator's state: every environment would draw the same numbers
    keys = getattr(authenticator, "keys", None)
    if keys is not None and hasattr(keys, "forget"):
        keys.forget()
    _forget_aws_clients()


def _forget_aws_clients() -> None:
    """Clients hold the credentials (and connections) of the environment that took the snapshot."""
    import sys

    if "boto3" in sys.modules:
        setattr(sys.modules["boto3"], "DEFAULT_SESSION", None)  # noqa: B010 (boto3's documented global)
    shared = sys.modules.get("agent_scaffold_runtime.memory._aws")
    if shared is not None:
        shared._shared_session.cache_clear()
