"""Run Locust headless as a subprocess against one URL and turn its CSV files into the load test report."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ScaffoldError

PROJECT_LOCUSTFILE = Path("tests", "load", "locustfile.py")
_WRAPPED_ERROR = re.compile(r"""^\w+\((['"])(.*)\1,?\)$""")


def builtin_locustfile() -> Path:
    """The locustfile every generated project gets, straight from the built-in template (one copy): what a
    project without its own ``tests/load/locustfile.py`` is load-tested with."""
    from ..templates import builtin_template

    return builtin_template() / "template" / PROJECT_LOCUSTFILE


@dataclass(frozen=True)
class LoadPlan:
    users: int
    spawn_rate: float
    duration_s: int
    out_dir: Path
    locustfile: Path


@dataclass
class LoadReport:
    url: str
    users: int
    duration_s: int
    requests: int = 0
    failures: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    sessions: int = 0
    turns_completed: int = 0
    turns_lost: int | None = None  # None: the session history could not be read (not a local server)
    rss_before_mb: float | None = None
    rss_after_mb: float | None = None
    files: dict[str, str] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)

    @property
    def error_rate(self) -> float:
        return self.failures / self.requests if self.requests else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "users": self.users,
            "duration_s": self.duration_s,
            "requests": self.requests,
            "failures": self.failures,
            "error_rate": round(self.error_rate, 6),
            "requests_per_s": round(self.rps, 3),
            "latency_ms": {"p50": self.p50_ms, "p95": self.p95_ms, "p99": self.p99_ms},
            "errors": dict(self.errors),
            "turns": {"sessions": self.sessions, "completed": self.turns_completed, "lost": self.turns_lost},
            "server_rss_mb": {"before": self.rss_before_mb, "after": self.rss_after_mb},
            "files": dict(self.files),
            "violations": list(self.violations),
            "passed": not self.violations,
        }


def run_locust(url: str, plan: LoadPlan, env: Mapping[str, str]) -> LoadReport:
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    prefix = plan.out_dir / "locust"
    argv = [
        sys.executable, "-m", "locust",
        "-f", str(plan.locustfile),
        "--headless",
        "--users", str(plan.users),
        "--spawn-rate", f"{plan.spawn_rate:g}",
        "--run-time", f"{plan.duration_s}s",
        "--host", url,
        "--csv", str(prefix),
        "--html", str(plan.out_dir / "report.html"),
        "--json-file", str(prefix),
        "--only-summary",
        "--stop-timeout", "30",
        "--exit-code-on-error", "0",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    log_path = plan.out_dir / "locust.log"
    with log_path.open("wb") as log:
        completed = subprocess.run(argv, env=dict(env), stdout=log, stderr=subprocess.STDOUT, check=False)
    if completed.returncode != 0:
        raise ScaffoldError(f"Locust exited with {completed.returncode}; see {log_path}.")
    report = LoadReport(url=url, users=plan.users, duration_s=plan.duration_s)
    _read_stats(report, Path(f"{prefix}.json"))
    report.errors = _read_failures(Path(f"{prefix}_failures.csv"))
    report.files = {
        "html": str(plan.out_dir / "report.html"),
        "json": str(Path(f"{prefix}.json")),
        "csv": str(Path(f"{prefix}_stats.csv")),
        "log": str(log_path),
    }
    return report


def _read_stats(report: LoadReport, path: Path) -> None:
    """Totals and percentiles from Locust's final JSON statistics (they include the requests that finished
    during the stop timeout, which the CSV files, written when the run time ends, miss)."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ScaffoldError(f"Locust wrote no statistics ({path}).") from None
    histogram: dict[float, int] = {}
    first, last = float("inf"), 0.0
    for entry in entries:
        report.requests += int(entry["num_requests"])
        report.failures += int(entry["num_failures"])
        for bucket, count in (entry.get("response_times") or {}).items():
            histogram[float(bucket)] = histogram.get(float(bucket), 0) + int(count)
        if entry["num_requests"]:
            first = min(first, float(entry["start_time"]))
            last = max(last, float(entry["last_request_timestamp"]))
    report.rps = report.requests / (last - first) if last > first else 0.0
    report.p50_ms, report.p95_ms, report.p99_ms = (_percentile(histogram, q) for q in (0.50, 0.95, 0.99))


def _percentile(histogram: dict[float, int], quantile: float) -> float:
    """The response time below which ``quantile`` of requests fall, from Locust's rounded buckets."""
    total = sum(histogram.values())
    if not total:
        return 0.0
    wanted, seen = quantile * total, 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= wanted:
            return bucket
    return max(histogram)


def _read_failures(path: Path) -> dict[str, int]:
    errors: dict[str, int] = {}
    if not path.is_file():
        return errors
    for row in csv.DictReader(path.open(encoding="utf-8")):
        kind = row["Error"].strip()
        match = _WRAPPED_ERROR.match(kind)  # CatchResponseError('HTTP 500') -> HTTP 500
        kind = match.group(2) if match else kind
        errors[kind] = errors.get(kind, 0) + int(row["Occurrences"])
    return errors


def read_turns(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def text_report(report: LoadReport) -> str:
    lines = [
        f"{report.requests} requests to {report.url} in {report.duration_s} s with {report.users} users: "
        f"{report.rps:.1f} requests/s",
        f"latency ms: p50 {report.p50_ms:g}  p95 {report.p95_ms:g}  p99 {report.p99_ms:g}",
        f"errors: {report.failures} ({report.error_rate:.2%})"
        + "".join(
            f"\n  {count:>6}  {kind}" for kind, count in sorted(report.errors.items(), key=lambda e: -e[1])
        ),
        f"turns: {report.turns_completed} completed in {report.sessions} sessions, "
        + (
            f"{report.turns_lost} lost"
            if report.turns_lost is not None
            else "lost turns not checked (not a local server)"
        ),
    ]
    if report.rss_before_mb is not None:
        lines.append(
            f"server RSS: {report.rss_before_mb:.1f} MB before, {report.rss_after_mb or 0:.1f} MB after"
        )
    lines.append(f"reports: {report.files.get('html')} (HTML), {report.files.get('csv')} (CSV)")
    lines += [f"FAILED: {violation}" for violation in report.violations]
    return "\n".join(lines)
