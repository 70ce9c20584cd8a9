"""A session's stored conversation, read from the file backend the way the runtime wrote it.

The runtime keeps each user's sessions under ``<session_dir>/<principal namespace>/`` (Strands'
``FileSessionManager`` layout: ``session_<id>/agents/agent_<id>/messages/message_<n>.json``). The page shows
what is really stored, so a developer sees what the agent will remember on the next turn.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_MESSAGE_FILE = re.compile(r"message_(\d+)\.json")
_SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,255}")


def session_directory(session_dir: Path, namespace: str, session_id: str) -> Path:
    if not _SESSION_ID.fullmatch(session_id):
        raise ValueError("session ids are 1-256 of A-Z a-z 0-9 . _ : - starting with a letter or digit")
    return session_dir / namespace / f"session_{session_id}"


def stored_messages(directory: Path) -> list[dict[str, Any]]:
    """Every stored message of every agent in the session, oldest first, as ``{role, parts}``."""
    messages: list[tuple[int, str, dict[str, Any]]] = []
    for agent in sorted((directory / "agents").glob("agent_*")):
        for path in (agent / "messages").glob("message_*.json"):
            match = _MESSAGE_FILE.fullmatch(path.name)
            if not match:
                continue
            stored = json.loads(path.read_text(encoding="utf-8"))
            message = stored.get("message", {})
            entry = {
                "role": message.get("role", "?"),
                "parts": [_part(b) for b in message.get("content", [])],
            }
            messages.append((int(match.group(1)), agent.name, entry))
    return [entry for _, _, entry in sorted(messages, key=lambda item: (item[1], item[0]))]


def _part(block: dict[str, Any]) -> dict[str, Any]:
    if "text" in block:
        return {"kind": "text", "text": str(block["text"])}
    if "toolUse" in block:
        use = block["toolUse"]
        return {"kind": "tool_use", "name": use.get("name"), "input": use.get("input")}
    if "toolResult" in block:
        result = block["toolResult"]
        texts = [str(part.get("text", part.get("json", ""))) for part in result.get("content", [])]
        return {"kind": "tool_result", "status": result.get("status"), "text": " ".join(texts)}
    return {"kind": next(iter(block), "unknown")}
