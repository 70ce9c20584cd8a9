"""``scaffold loadtest``: Locust against a local server the command starts, on a generated project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scaffold.cli import cli

TEMPLATE_LOCUSTFILE = Path(__file__).parents[2] / "templates/agent/template/tests/load/locustfile.py"


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def load_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("load-project")
    result = run_cli("new", "load-agent", "--defaults", "--output", str(parent))
    assert result.exit_code == 0, result.output
    return parent / "load-agent"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_MODEL_PROVIDER", "offline")
    monkeypatch.delenv("AGENT_MODEL_ID", raising=False)
    monkeypatch.setenv("AGENT_TELEMETRY", "none")


@pytest.mark.slow
def test_ten_users_for_ten_seconds_lose_nothing(load_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"

    result = run_cli(
        "loadtest", "--project", str(load_project), "--users", "10", "--spawn-rate", "10",
        "--duration", "10s", "--out", str(out), "--json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["requests"] > 0
    assert report["failures"] == 0
    assert report["errors"] == {}
    assert report["turns"]["sessions"] == 10
    assert report["turns"]["completed"] == report["requests"]
    assert report["turns"]["lost"] == 0
    assert report["server_rss_mb"]["before"] > 0
    assert report["server_rss_mb"]["after"] > 0
    assert report["latency_ms"]["p50"] <= report["latency_ms"]["p95"] <= report["latency_ms"]["p99"]
    for name in ("report.html", "report.json", "locust.json", "locust_stats.csv"):
        assert (out / name).is_file(), name
    assert "<html" in (out / "report.html").read_text(encoding="utf-8").lower()
    assert json.loads((out / "report.json").read_text(encoding="utf-8")) == report


@pytest.mark.slow
def test_a_p95_threshold_below_the_measured_one_fails(load_project: Path, tmp_path: Path) -> None:
    result = run_cli(
        "loadtest", "--project", str(load_project), "--users", "2", "--duration", "3s",
        "--out", str(tmp_path), "--max-p95", "1",
    )  # fmt: skip

    assert result.exit_code == 1
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["latency_ms"]["p95"] > 1
    assert report["passed"] is False
    assert f"FAILED: p95 latency {report['latency_ms']['p95']:g} ms is above --max-p95 1 ms" in result.stdout


def test_the_generated_locustfile_is_the_built_in_one(load_project: Path) -> None:
    from scaffold.loadtest.run import builtin_locustfile

    generated = load_project / "tests" / "load" / "locustfile.py"
    assert builtin_locustfile() == TEMPLATE_LOCUSTFILE.resolve()  # one copy: the template's
    assert generated.read_text(encoding="utf-8") == TEMPLATE_LOCUSTFILE.read_text(encoding="utf-8")


def test_bad_durations_are_one_line_errors(load_project: Path) -> None:
    result = run_cli("loadtest", "--project", str(load_project), "--duration", "ten seconds")

    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "Error: Invalid duration 'ten seconds'; use seconds or a unit: 30, 45s, 2m, 1h."
    )


@pytest.mark.slow
def test_with_auth_jwt_every_user_is_its_own_verified_identity(tmp_path: Path) -> None:
    created = run_cli(
        "new", "jwt-agent", "--defaults", "--output", str(tmp_path), "--data", "auth=jwt",
        "--data", "jwt_discovery_url=https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x/.well-known/openid-configuration",
        "--data", "jwt_allowed_clients=production-client",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    out = tmp_path / "report"

    result = run_cli(
        "loadtest", "--project", str(tmp_path / "jwt-agent"), "--users", "4", "--duration", "4s",
        "--out", str(out), "--json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["failures"] == 0 and report["requests"] > 0
    assert report["turns"]["lost"] == 0
    lines = [
        json.loads(line)
        for line in (out / "server.log").read_text().splitlines()
        if '"agent_request"' in line
    ]
    assert len(lines) >= report["requests"]
    assert {line["auth_method"] for line in lines} == {"jwt"}
    assert {line["status"] for line in lines} == {200}
    assert len({line["user"] for line in lines}) == 4
    assert len({line["session_id"] for line in lines}) == 4


def test_a_server_that_cannot_start_says_why(load_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The local server's one `Error:` line (issue 11) is in the message, not only in its log."""
    monkeypatch.setenv("AGENT_MAX_CYCLES", "many")

    result = run_cli("loadtest", "--project", str(load_project), "--users", "1", "--duration", "1")

    log = load_project / "build" / "loadtest" / "server.log"
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: The local server exited with 2 before it answered /ping: AGENT_MAX_CYCLES must be a number, "
        f"not 'many'; see {log}."
    )
