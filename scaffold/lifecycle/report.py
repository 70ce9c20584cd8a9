"""How lifecycle results read: an update's files one per line, and ``template validate``'s pass/fail table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ScaffoldError
from .engine import Outcome
from .validate import CaseResult
from .vendored_runtime import VENDORED_DIR

KNOWN_COLUMNS = ("targets", "model_provider", "auth", "memory", "guardrails", "telemetry")


class Conflicts(ScaffoldError):
    """The update was applied but some files need the user's hand: exit code 1."""


def outcome_lines(outcome: Outcome) -> list[str]:
    lines = [f"  added     {path}" for path in outcome.added]
    lines += [f"  modified  {path}" for path in outcome.modified if path not in outcome.conflicts]
    vendored = outcome.vendored_runtime
    summarized = f"{VENDORED_DIR}/" if vendored is not None else None  # one line below, not one per file
    lines += [
        f"  removed   {path}"
        for path in outcome.removed
        if summarized is None or not path.startswith(summarized)
    ]
    for move in outcome.moved:
        state = "with your edits" if move.get("edited") else "unedited"
        lines.append(f"  moved     {move['from']} -> {move['to']} ({state})")
    lines += [
        f"  kept      {path} (you edited it and the template no longer has it; delete it if unused)"
        for path in outcome.kept
    ]
    lines += [f"  CONFLICT  {path} (resolve the <<<<<<< ... >>>>>>> markers)" for path in outcome.conflicts]
    if vendored is not None:
        lines += vendored.lines()
    return lines or ["  (no file changes)"]


def describe(outcome: Outcome, done: str, plan: str) -> str:
    """``done``: "Added lambda to demo-agent"; ``plan``: "add lambda to demo-agent" (for a dry run)."""
    head = (
        f"Dry run: to {plan}, scaffold would change (nothing was written):" if outcome.dry_run else f"{done}:"
    )
    lines = [head, *outcome_lines(outcome)]
    if not outcome.dry_run and outcome.changed and not outcome.conflicts:
        lines += ["", "Review with `git diff`, then commit: git add -A && git commit"]
    return "\n".join(lines)


def raise_for_conflicts(outcome: Outcome) -> None:
    if outcome.conflicts and not outcome.dry_run:
        files = ", ".join(outcome.conflicts)
        raise Conflicts(
            f"{len(outcome.conflicts)} file(s) have conflicts: {files}; edit them to resolve the markers, "
            "then git add and commit (git diff shows both sides)."
        )


def validation_table(results: Sequence[CaseResult]) -> str:
    """One row per combination: its answers, each check, the verdict; then the failures' details."""
    columns = [c for c in KNOWN_COLUMNS if any(c in r.answers for r in results)]
    header = ["combination", *columns, "render", "leftovers", "ruff", "tests", "result"]
    rows = [header]
    for result in results:
        answers = [_cell(result.answers.get(column, "")) for column in columns]
        checks = [check.label for check in result.checks.values()]
        if result.tests.ok:
            checks[-1] = f"ok ({result.counts.get('passed', 0)} passed)"
        rows.append([result.name, *answers, *checks, "PASS" if result.passed else "FAIL"])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    failed = [r for r in results if not r.passed]
    lines.append("")
    lines.append(
        f"{len(results) - len(failed)} of {len(results)} combinations passed"
        + (f"; failed: {', '.join(r.name for r in failed)}" if failed else ".")
    )
    for result in failed:
        for name, check in result.checks.items():
            if check.ok is False:
                lines += [
                    "",
                    f"{result.name} - {name} failed:",
                    *(f"    {line}" for line in check.detail.splitlines()),
                ]
    return "\n".join(lines)


def forced_iam_line(layer: str, iam: Mapping[str, Any]) -> str:
    """One line saying which IAM guardrails the layer forces on every deploy and export of its projects."""
    shown = ", ".join(
        f"{key}={_cell(value) if not isinstance(value, dict) else _tags(value)}" for key, value in iam.items()
    )
    return f"The organisation layer {layer} forces IAM guardrails on every role: {shown}."


def validation_json(
    results: Sequence[CaseResult], source: str, forced_iam: Mapping[str, Any] | None = None
) -> dict[str, object]:
    return {
        "source": source,
        "forced_iam": dict(forced_iam or {}),
        "passed": all(r.passed for r in results),
        "combinations": [
            {
                "name": r.name,
                "answers": r.answers,
                "result": "pass" if r.passed else "fail",
                "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in r.checks.items()},
                "test_counts": r.counts,
                "seconds": round(r.seconds, 1),
            }
            for r in results
        ],
    }


def _tags(tags: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{key}={value}" for key, value in tags.items()) + "}"


def _cell(value: object) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)
