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
    #: The tools called, in order: ``{"name", "input", "status"}`` each (no outputs, which may hold data the
    #: caller should not see), so evaluations can check the trajectory over any transport.
    tool_trajectory: tuple[dict[str, Any], ...] = ()

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
            tool_trajectory=tuple(_tool_trajectory(summary.get("traces") or [])),
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
                "tool_trajectory": [dict(call) for call in self.tool_trajectory],
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
            tool_trajectory=tuple(dict(call) for call in metrics.get("tool_trajectory") or ()),
        )


def new_session_id() -> str:
    """A fresh id; 36 characters, which also satisfies AgentCore's 33-character minimum."""
    return str(uuid.uuid4())


def _message_text(message: Any) -> str:
    return "".join(block["text"] for block in (message or {}).get("content", []) if "text" in block)


def _tool_trajectory(traces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``toolUse`` blocks of the model's messages in the metrics traces, in call order, with the status
    of each call's ``toolResult`` (``success``/``error``). A call without a tool trace was cancelled by a hook
    before it ran, which Strands answers with an error result."""
    calls: list[dict[str, Any]] = []
    statuses: dict[str, str] = {}

    def walk(trace: dict[str, Any]) -> None:
        message = trace.get("message") or {}
        for block in message.get("content") or ():
            if "toolUse" in block:
                use = block["toolUse"]
                calls.append({"id": use.get("toolUseId"), "name": use.get("name"), "input": use.get("input")})
            elif "toolResult" in block:
                result = block["toolResult"]
                statuses[str(result.get("toolUseId"))] = str(result.get("status", "success"))
        for child in trace.get("children") or ():
            walk(child)

    for trace in traces:
        walk(trace)
    return [
        {"name": call["name"], "input": call["input"], "status": statuses.get(str(call["id"]), "error")}
        for call in calls
    ]
