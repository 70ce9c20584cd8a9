"""The orchestrator and its specialists: delegation, per-agent telemetry, and the delegation limit.

The offline model plays the turns in ``scripts/offline.json`` (``ORCHESTRATOR_OFFLINE_SCRIPT``) for the
orchestrator and for each specialist, so each agent makes the tool calls a real model would; the tools
(``search_notes``, ``calculator``) and the specialists' agents do the real work. Spans are read from an
in-memory exporter on the process's tracer provider, and once from a real server's console exporter.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.telemetry import JsonFormatter, user_ref
from agent_scaffold_runtime.testing import capture_spans
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from research_orchestrator.agent import call_agent
from research_orchestrator.specialists import AGENT_LOGGER
from research_orchestrator.tools import search_notes

PROJECT = Path(__file__).resolve().parent.parent
SCRIPT = PROJECT / "scripts" / "offline.json"
DENSITY = "What is the population density of Lisbon?"
RUNAWAY = "Keep digging into Lisbon until you know everything"
DENSITY_ANSWER = "The math_specialist tool returned: The calculator tool returned: 5455.23238381"
ALICE = Principal(user_id="alice@example.com", auth_method="jwt")


@pytest.fixture(autouse=True)
def scripted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCHESTRATOR_OFFLINE_SCRIPT", str(SCRIPT))


@pytest.fixture(scope="session")
def span_exporter() -> InMemorySpanExporter:
    """An in-memory exporter on the process's one global tracer provider (OpenTelemetry allows one)."""
    return capture_spans()


@pytest.fixture
def spans(span_exporter: InMemorySpanExporter) -> Iterator[InMemorySpanExporter]:
    span_exporter.clear()
    yield span_exporter
    span_exporter.clear()


@pytest.fixture
def agent_runs() -> Iterator[list[dict[str, Any]]]:
    """The per-agent lines written during the test, formatted as the adapters' JSON handler writes them."""
    lines: list[dict[str, Any]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(JsonFormatter().format(record)))

    logger = logging.getLogger(AGENT_LOGGER)
    handler, level = Collect(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def by_name(finished: tuple[ReadableSpan, ...], name: str) -> list[ReadableSpan]:
    return [span for span in finished if span.name == name]


# -- delegation ----------------------------------------------------------------------------------------------


def test_the_orchestrator_delegates_research_then_math(agent_runs: list[dict[str, Any]]) -> None:
    reply = call_agent("alice", DENSITY, principal=ALICE, session_id="density-1")

    assert reply.text == DENSITY_ANSWER
    assert reply.tool_calls == {"research_specialist": 1, "math_specialist": 1}
    assert [(run["agent"], run["tool_calls"], run["cycles"]) for run in agent_runs] == [
        ("research_specialist", {"search_notes": 1}, 2),
        ("math_specialist", {"calculator": 1}, 2),
    ]
    assert {run["parent"] for run in agent_runs} == {"orchestrator"}
    assert {run["session_id"] for run in agent_runs} == {"density-1"}
    assert {run["user"] for run in agent_runs} == {user_ref("alice@example.com")}  # a digest, not the id
    assert all(run["usage"]["total_tokens"] > 0 and run["stop_reason"] == "end_turn" for run in agent_runs)


def test_the_research_specialist_answers_from_the_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = json.loads(SCRIPT.read_text())
    script["orchestrator"] = {
        "Ask research about Lisbon": [
            {
                "tool": "research_specialist",
                "input": {"question": "What are the population and the area of Lisbon?"},
            }
        ]
    }
    (tmp_path / "script.json").write_text(json.dumps(script))
    monkeypatch.setenv("ORCHESTRATOR_OFFLINE_SCRIPT", str(tmp_path / "script.json"))

    reply = call_agent("alice", "Ask research about Lisbon", principal=ALICE)

    assert reply.text == (
        "The research_specialist tool returned: The search_notes tool returned: [city-lisbon] Lisbon, the "
        "capital of Portugal: population 545,796 (2021 census) on an area of 100.05 km2."
    )


def test_the_session_is_the_orchestrators(agent_runs: list[dict[str, Any]]) -> None:
    first = call_agent("alice", DENSITY, principal=ALICE, session_id="density-2")
    again = call_agent("alice", "Thanks", principal=ALICE, session_id="density-2")
    fresh = call_agent("alice", "Thanks", principal=ALICE, session_id="density-3")

    assert first.text == DENSITY_ANSWER
    assert again.usage.input_tokens > fresh.usage.input_tokens  # the delegations are in the history


def test_search_notes() -> None:
    assert search_notes("speed of light").startswith(
        "[physics-light] The speed of light in vacuum is exactly"
    )
    assert search_notes("zebra") == "No notes match 'zebra'."
    assert search_notes("?!").startswith("Error:")


# -- telemetry per agent -------------------------------------------------------------------------------------


def test_each_agent_has_its_own_spans_in_one_trace(spans: InMemorySpanExporter) -> None:
    call_agent("alice", DENSITY, principal=ALICE, session_id="traced-1")

    finished = spans.get_finished_spans()
    [orchestrator] = by_name(finished, "invoke_agent orchestrator")
    [research] = by_name(finished, "invoke_agent research_specialist")
    [math] = by_name(finished, "invoke_agent math_specialist")
    [delegate_research] = by_name(finished, "execute_tool research_specialist")
    [delegate_math] = by_name(finished, "execute_tool math_specialist")
    [search] = by_name(finished, "execute_tool search_notes")
    [calculate] = by_name(finished, "execute_tool calculator")

    # One trace; each specialist's agent span hangs under the orchestrator's tool span that called it.
    assert {span.context.trace_id for span in finished} == {orchestrator.context.trace_id}
    assert research.parent is not None and research.parent.span_id == delegate_research.context.span_id
    assert math.parent is not None and math.parent.span_id == delegate_math.context.span_id
    # Every span says which agent it belongs to, and who and which session it served.
    expected = {
        orchestrator: ("orchestrator", None),
        delegate_research: ("orchestrator", None),
        delegate_math: ("orchestrator", None),
        research: ("research_specialist", "orchestrator"),
        search: ("research_specialist", "orchestrator"),
        math: ("math_specialist", "orchestrator"),
        calculate: ("math_specialist", "orchestrator"),
    }
    for span, (name, parent) in expected.items():
        attributes = dict(span.attributes or {})
        assert (attributes["agent.name"], attributes.get("agent.parent")) == (name, parent), span.name
        assert attributes["enduser.id"] == user_ref("alice@example.com")
        assert attributes["session.id"] == "traced-1"
    assert dict(research.attributes or {})["gen_ai.agent.name"] == "research_specialist"
    # Each agent's token usage is its own: the specialists' are not in the orchestrator's.
    usage = {span.name: dict(span.attributes or {})["gen_ai.usage.total_tokens"] for span in (research, math)}
    assert all(total > 0 for total in usage.values())


def test_a_real_server_writes_per_agent_spans_and_lines(tmp_path: Path) -> None:
    """The AgentCore app under uvicorn, ``AGENT_TELEMETRY=console`` (the project's answer): stderr holds the
    spans of all three agents, one ``agent_run`` line per specialist and the request line, one trace id."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENT_", "ORCHESTRATOR_", "OTEL_"))}
    env.update(
        PYTHONPATH=str(PROJECT),
        AGENT_MODEL_PROVIDER="offline",
        AGENT_SESSION_DIR=str(tmp_path / "sessions"),
        ORCHESTRATOR_OFFLINE_SCRIPT=str(SCRIPT),
        NO_PROXY="127.0.0.1",
    )
    stderr = (tmp_path / "stderr").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "research_orchestrator.entrypoints.agentcore_app:app",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, (tmp_path / "stderr").read_text()[-2000:]
            time.sleep(0.05)
        response = httpx.post(f"{url}/invocations", json={"prompt": DENSITY}, timeout=60)
    finally:
        server.terminate()
        server.wait(timeout=10)
        stderr.close()

    assert response.status_code == 200, response.text
    assert response.json()["text"] == DENSITY_ANSWER
    lines = [
        json.loads(line) for line in (tmp_path / "stderr").read_text().splitlines() if line.startswith("{")
    ]
    span_lines = [line for line in lines if "context" in line and "name" in line]
    runs = [line for line in lines if line.get("event") == "agent_run"]
    [request] = [line for line in lines if line.get("event") == "agent_request"]
    agents = {line["name"] for line in span_lines if line["name"].startswith("invoke_agent ")}
    assert agents == {
        "invoke_agent orchestrator",
        "invoke_agent research_specialist",
        "invoke_agent math_specialist",
    }
    assert [run["agent"] for run in runs] == ["research_specialist", "math_specialist"]
    trace_ids = {line["context"]["trace_id"].removeprefix("0x") for line in span_lines}
    assert trace_ids == {request["trace_id"]} == {run["trace_id"] for run in runs}
    assert request["tool_calls"] == {"research_specialist": 1, "math_specialist": 1}


# -- the delegation limit ------------------------------------------------------------------------------------


def test_a_runaway_delegation_is_stopped(
    monkeypatch: pytest.MonkeyPatch, agent_runs: list[dict[str, Any]]
) -> None:
    monkeypatch.setenv("ORCHESTRATOR_MAX_DELEGATIONS", "3")

    reply = call_agent("alice", RUNAWAY, principal=ALICE)  # the script delegates 12 times

    assert (
        reply.text
        == "Stopped: the limit of 3 delegations per request (ORCHESTRATOR_MAX_DELEGATIONS) was reached."
    )
    assert [run["agent"] for run in agent_runs] == ["research_specialist"] * 3  # the 4th never ran
    assert reply.tool_calls == {"research_specialist": 3}
    assert (
        reply.cycles == 5
    )  # three delegations, the refused fourth, and the cycle stopped before its model call


def test_the_default_limit_stops_it_too(agent_runs: list[dict[str, Any]]) -> None:
    reply = call_agent("alice", RUNAWAY, principal=ALICE)

    assert reply.text.startswith("Stopped: the limit of 6 delegations per request")
    assert len(agent_runs) == 6


def test_the_cycle_limit_still_applies_above_the_delegation_limit(
    monkeypatch: pytest.MonkeyPatch, agent_runs: list[dict[str, Any]]
) -> None:
    monkeypatch.setenv("ORCHESTRATOR_MAX_DELEGATIONS", "50")
    monkeypatch.setenv("AGENT_MAX_CYCLES", "4")

    reply = call_agent("alice", RUNAWAY, principal=ALICE)

    assert reply.text == "Stopped: the limit of 4 agent cycles (AGENT_MAX_CYCLES) was reached."
    assert len(agent_runs) == 4


def test_the_limit_is_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCHESTRATOR_MAX_DELEGATIONS", "2")

    first = call_agent("alice", DENSITY, principal=ALICE, session_id="per-request")
    second = call_agent("alice", DENSITY, principal=ALICE, session_id="per-request")

    assert first.text == second.text == DENSITY_ANSWER  # two delegations each time, never refused


def test_a_bad_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from research_orchestrator.settings import Settings

    monkeypatch.setenv("ORCHESTRATOR_MAX_DELEGATIONS", "0")

    with pytest.raises(ValueError, match="ORCHESTRATOR_MAX_DELEGATIONS must be positive; got 0"):
        Settings.from_env()
