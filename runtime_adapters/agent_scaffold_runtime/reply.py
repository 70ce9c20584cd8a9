"""The reply every target returns, built from a Strands ``AgentResult`` and its metrics summary."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0


@dataclass(frozen=True)
class AgentReply:
    text: str
    stop_reason: str
    session_id: str
    usage: Usage = field(default_factory=Usage)
    cycles: int = 0
    duration_s: float = 0.0
    tool_calls: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_result(cls, result: Any, *, session_id: str) -> AgentReply:
        """Duck-typed on ``strands.agent.AgentResult`` so this module never imports Strands."""
        summary = result.metrics.get_summary()
        usage = summary.get("accumulated_usage") or {}
        return cls(
            text=_message_text(result.message),
            stop_reason=str(result.stop_reason),
            session_id=session_id,
            usage=Usage(
                input_tokens=int(usage.get("inputTokens", 0)),
                output_tokens=int(usage.get("outputTokens", 0)),
                total_tokens=int(usage.get("totalTokens", 0)),
            ),
            cycles=int(summary.get("total_cycles", 0)),
            duration_s=round(float(summary.get("total_duration", 0.0)), 6),
            tool_calls={
                name: int(tool["execution_stats"]["call_count"])
                for name, tool in (summary.get("tool_usage") or {}).items()
            },
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "stop_reason": self.stop_reason,
            "session_id": self.session_id,
            "usage": asdict(self.usage),
            "metrics": {
                "cycles": self.cycles,
                "duration_s": self.duration_s,
                "tool_calls": dict(self.tool_calls),
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgentReply:
        metrics = data.get("metrics") or {}
        return cls(
            text=data["text"],
            stop_reason=data["stop_reason"],
            session_id=data["session_id"],
            usage=Usage(**(data.get("usage") or {})),
            cycles=metrics.get("cycles", 0),
            duration_s=metrics.get("duration_s", 0.0),
            tool_calls=dict(metrics.get("tool_calls") or {}),
        )


def new_session_id() -> str:
    """A fresh id; 36 characters, which also satisfies AgentCore's 33-character minimum."""
    return str(uuid.uuid4())


def _message_text(message: Any) -> str:
    return "".join(block["text"] for block in (message or {}).get("content", []) if "text" in block)
