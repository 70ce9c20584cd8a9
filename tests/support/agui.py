"""The body of an AG-UI run (``RunAgentInput``), built with the protocol's own models, for the tests and
benchmarks that talk to an AG-UI server."""

from __future__ import annotations

import uuid
from typing import Any


def run_input(prompt: str, thread_id: str | None = None) -> dict[str, Any]:
    """One user message in a new run, on ``thread_id`` or a new thread; as JSON (the wire's camelCase)."""
    from ag_ui.core import RunAgentInput, UserMessage

    run = RunAgentInput(
        thread_id=thread_id or str(uuid.uuid4()),
        run_id=str(uuid.uuid4()),
        state={},
        messages=[UserMessage(id="m1", role="user", content=prompt)],
        tools=[],
        context=[],
        forwarded_props={},
    )
    return run.model_dump(mode="json", by_alias=True, exclude_none=True)
