"""The body of an AG-UI run (``RunAgentInput``), built with the protocol's own models, for the tests and
benchmarks that talk to an AG-UI server; and the check of the events it answers with."""

from __future__ import annotations

import sys
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


def assert_valid_agui(events: list[dict[str, Any]]) -> None:
    """The events conform to AG-UI: ``ag-ui-validate``, the protocol's conformance validator, with no
    warning allowed. It needs Python 3.11; on 3.10 (the floor this toolkit claims) each event is instead
    parsed as the protocol's own ``ag_ui.core.Event`` union, and the run must open with RUN_STARTED and end
    with RUN_FINISHED or RUN_ERROR."""
    if sys.version_info >= (3, 11):
        from ag_ui_validate.pytest_plugin import assert_valid_agui as conformance

        conformance(events, max_warnings=0)
        return
    from ag_ui.core import Event, EventType
    from pydantic import TypeAdapter

    parse = TypeAdapter(Event).validate_python
    for event in events:
        parse(event)
    assert events[0]["type"] == EventType.RUN_STARTED, events[0]
    assert events[-1]["type"] in (EventType.RUN_FINISHED, EventType.RUN_ERROR), events[-1]
