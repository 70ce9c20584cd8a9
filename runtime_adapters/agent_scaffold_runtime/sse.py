"""Server-Sent Events in the form AgentCore clients already parse.

Each ``data:`` line is a JSON string (a text chunk) or an object; the byte format matches what
``BedrockAgentCoreApp`` itself writes, so one client reads every adapter.
"""

from __future__ import annotations

import json
from typing import Any

from .reply import AgentReply

MEDIA_TYPE = "text/event-stream"


def event_for(item: str | AgentReply) -> Any:
    """A text chunk goes out as a JSON string; the final reply as ``{"done": true, "text": "", "reply": …}``.

    The final event carries ``text: ""`` so clients that print every ``text`` field print the answer once.
    """
    if isinstance(item, AgentReply):
        return {"done": True, "text": "", "reply": item.to_dict()}
    return item


def encode(event: Any) -> bytes:
    return f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode()


def decode_lines(lines: list[str]) -> list[Any]:
    """Parse the ``data:`` lines of an SSE body; used by clients and tests alike."""
    return [json.loads(line[5:].strip()) for line in lines if line.startswith("data:")]
