"""One turn of the core for a protocol adapter: validate like ``/invocations``, then the shared pipeline."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ..errors import AdapterError
from ..identity import Principal
from ..protocol import parse_payload
from ..service import AgentService, Call


def accept_turn(
    service: AgentService,
    principal: Principal,
    prompt: str,
    *,
    session_id: str | None = None,
    context: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Call:
    """The ``/invocations`` checks (prompt size, session id shape) for a prompt another protocol carried.

    A refused prompt still gets its request log line, as on ``/invocations``.
    """
    started = time.monotonic()
    payload: dict[str, Any] = {"prompt": prompt, "context": dict(context or {})}
    if session_id is not None:
        payload["session_id"] = session_id
    try:
        request = parse_payload(payload, service.limits)
    except AdapterError as error:
        service.rejected(error, started=started, principal=principal)
        raise
    return service.accept(principal, request, headers or {}, started)
