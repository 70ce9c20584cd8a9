"""The report's parts: Locust's statistics and failures, lost turns from the file session store."""

from __future__ import annotations

import json
from pathlib import Path

from scaffold.commands.loadtest import parse_duration
from scaffold.loadtest.run import LoadReport, _read_failures, _read_stats
from scaffold.loadtest.server import stored_turns


def test_durations() -> None:
    assert [parse_duration(d) for d in ("30", "45s", "2m", "1h")] == [30, 45, 120, 3600]


def test_statistics_come_from_locusts_final_json(tmp_path: Path) -> None:
    stats = tmp_path / "locust.json"
    stats.write_text(
        json.dumps(
            [
                {
                    "name": "/invocations",
                    "num_requests": 100,
                    "num_failures": 3,
                    "start_time": 1000.0,
                    "last_request_timestamp": 1010.0,
                    "response_times": {"10": 50, "20": 45, "300": 4, "900": 1},
                }
            ]
        ),
        encoding="utf-8",
    )
    report = LoadReport(url="http://x", users=1, duration_s=10)

    _read_stats(report, stats)

    assert (report.requests, report.failures, report.rps) == (100, 3, 10.0)
    assert (report.p50_ms, report.p95_ms, report.p99_ms) == (10.0, 20.0, 300.0)
    assert report.error_rate == 0.03


def test_failures_are_grouped_by_kind(tmp_path: Path) -> None:
    failures = tmp_path / "failures.csv"
    failures.write_text(
        "Method,Name,Error,Occurrences\n"
        "POST,/invocations,CatchResponseError('HTTP 500'),4\n"
        "POST,/invocations,CatchResponseError('wrong answer'),2\n"
        "POST,/other,CatchResponseError('HTTP 500'),1\n"
        "POST,/invocations,\"ConnectionRefusedError(111, 'Connection refused')\",5\n",
        encoding="utf-8",
    )

    assert _read_failures(failures) == {
        "HTTP 500": 5,
        "wrong answer": 2,
        "ConnectionRefusedError(111, 'Connection refused')": 5,
    }


def test_stored_turns_count_the_users_prompts(tmp_path: Path) -> None:
    messages = tmp_path / "namespace" / "session_s-1" / "agents" / "agent_default" / "messages"
    messages.mkdir(parents=True)
    contents = [
        ("user", [{"text": "What is 2*3? Ask the calculator expression=2*3"}]),
        ("assistant", [{"toolUse": {"name": "calculator"}}]),
        ("user", [{"toolResult": {"status": "success"}}]),
        ("assistant", [{"text": "The calculator tool returned: 6"}]),
        ("user", [{"text": "again"}]),
    ]
    for index, (role, content) in enumerate(contents):
        body = {"message": {"role": role, "content": content}, "message_id": index}
        (messages / f"message_{index}.json").write_text(json.dumps(body), encoding="utf-8")

    assert stored_turns(tmp_path, "s-1") == 2
    assert stored_turns(tmp_path, "s-2") == 0
