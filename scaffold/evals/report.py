"""What an eval run reports: a table for people, a JSON document for scripts (and ``--baseline``), a JUnit
file for CI, and the regressions against an earlier JSON run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_scaffold_runtime.evals import CHECKS, CaseResult

from ..errors import BadInput

#: Latency is noisy: a case regresses only when it is this much slower than the baseline, and by more than
#: ``LATENCY_FLOOR_MS``; tokens and pass/fail are deterministic on the offline model, so any change counts.
LATENCY_FACTOR = 1.5
LATENCY_FLOOR_MS = 250.0
_MARKS = {"pass": "ok", "fail": "FAIL", "n/a": "-", "not run (offline)": "not run (offline)", "": "-"}


def summary(results: list[CaseResult]) -> dict[str, Any]:
    counts = {
        status: sum(r.status == status for r in results) for status in ("pass", "fail", "error", "skipped")
    }
    ran = counts["pass"] + counts["fail"] + counts["error"]
    judges_not_run = sum(
        1 for r in results if r.checks.get("judge") and r.checks["judge"].status == "not run (offline)"
    )
    return {
        "cases": len(results),
        "passed": counts["pass"],
        "failed": counts["fail"],
        "errors": counts["error"],
        "skipped": counts["skipped"],
        "judges_not_run": judges_not_run,
        "pass_rate": round(counts["pass"] / ran, 4) if ran else 0.0,
    }


def document(results: list[CaseResult], runner: str) -> dict[str, Any]:
    return {"runner": runner, "summary": summary(results), "cases": [r.to_dict() for r in results]}


def table(results: list[CaseResult]) -> str:
    """One row per case (status, each check, latency, tokens), then the reason of every failure."""
    headers = ["case", "result", *CHECKS, "latency ms", "tokens"]
    rows = [
        [
            r.name,
            r.status.upper() if r.status in ("fail", "error") else r.status,
            *[_MARKS.get(r.checks[c].status, r.checks[c].status) if c in r.checks else "-" for c in CHECKS],
            f"{r.latency_ms:.0f}",
            str(r.total_tokens),
        ]
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]
    details = []
    for r in results:
        for reason in r.failures():
            details.append(f"{r.name}: " + reason.replace("\n", "\n    "))
    s = summary(results)
    tail = f"{s['passed']}/{s['cases']} passed"
    if s["failed"] or s["errors"]:
        tail += f", {s['failed']} failed, {s['errors']} errors"
    if s["skipped"]:
        tail += f", {s['skipped']} skipped"
    if s["judges_not_run"]:
        tail += f"; judges not run (offline) in {s['judges_not_run']} case(s): set a real model to run them"
    return "\n".join([*lines, "", *details, *([""] if details else []), tail])


def write_junit(results: list[CaseResult], path: Path, runner: str) -> None:
    """A JUnit XML report: one testcase per case; failures carry every failed check's reason; judges that
    did not run are recorded as skipped properties, not passes."""
    s = summary(results)
    suite = ET.Element(
        "testsuite",
        name="scaffold eval",
        tests=str(s["cases"]),
        failures=str(s["failed"]),
        errors=str(s["errors"]),
        skipped=str(s["skipped"]),
        time=f"{sum(r.latency_ms for r in results) / 1000:.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="runner", value=runner)
    for r in results:
        set_name, _, case_name = r.name.partition("/")
        case = ET.SubElement(
            suite, "testcase", classname=set_name, name=case_name, time=f"{r.latency_ms / 1000:.3f}"
        )
        if r.status == "fail":
            failure = ET.SubElement(
                case, "failure", message="; ".join(f.splitlines()[0] for f in r.failures())
            )
            failure.text = "\n".join(r.failures())
        elif r.status == "error":
            ET.SubElement(case, "error", message=r.error)
        elif r.status == "skipped":
            ET.SubElement(case, "skipped", message=r.error)
        judge = r.checks.get("judge")
        if judge is not None and judge.status == "not run (offline)":
            ET.SubElement(case, "system-out").text = judge.reason
    path.parent.mkdir(parents=True, exist_ok=True)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


@dataclass(frozen=True)
class Regression:
    case: str
    what: str  # status | latency | tokens | missing
    detail: str
    blocking: bool  # status and tokens are deterministic offline; latency is reported only


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"Cannot read the baseline {path}: {exc.strerror}.") from None
    except ValueError:
        raise BadInput(
            f"The baseline {path} is not JSON; write one with: scaffold eval --json > {path}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise BadInput(f"The baseline {path} is not a scaffold eval --json report (no 'cases' list).")
    return data


def compare(results: list[CaseResult], baseline: dict[str, Any]) -> list[Regression]:
    """What got worse, per case, than in ``baseline`` (a ``--json`` document)."""
    before = {c.get("name"): c for c in baseline["cases"] if isinstance(c, dict)}
    regressions: list[Regression] = []
    for r in results:
        old = before.get(r.name)
        if old is None:
            continue
        if old.get("status") == "pass" and r.status in ("fail", "error"):
            regressions.append(Regression(r.name, "status", f"passed before, {r.status} now", True))
        old_tokens = int(old.get("total_tokens") or 0)
        if r.status != "skipped" and old_tokens and r.total_tokens > old_tokens:
            regressions.append(Regression(r.name, "tokens", f"{old_tokens} -> {r.total_tokens}", True))
        old_latency = float(old.get("latency_ms") or 0.0)
        if (
            r.status != "skipped"
            and old_latency
            and r.latency_ms > old_latency * LATENCY_FACTOR
            and r.latency_ms - old_latency > LATENCY_FLOOR_MS
        ):
            detail = f"{old_latency:.0f} ms -> {r.latency_ms:.0f} ms"
            regressions.append(Regression(r.name, "latency", detail, False))
    old_rate = float((baseline.get("summary") or {}).get("pass_rate", 0.0))
    new_rate = summary(results)["pass_rate"]
    if new_rate < old_rate:
        regressions.append(Regression("(all)", "pass rate", f"{old_rate:.0%} -> {new_rate:.0%}", True))
    return regressions


def regressions_text(regressions: list[Regression]) -> str:
    if not regressions:
        return "No regressions against the baseline."
    lines = ["Regressions against the baseline:"]
    lines += [
        f"  {r.case}: {r.what} {r.detail}{'' if r.blocking else ' (reported, not failing)'}"
        for r in regressions
    ]
    return "\n".join(lines)
