"""Run eval cases on strands-agents-evals (a ``ChaosExperiment``, so fault cases get their tool effects)
and fold its report into one ``CaseResult`` per case."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .cases import EvalCase
from .checks import METRICS_STATE, NOT_RUN_OFFLINE, all_evaluators
from .runner import Runner

CHECKS = ("output", "trajectory", "limits", "judge")


@dataclass
class CheckResult:
    status: str  # pass | fail | n/a | not run (offline)
    reason: str = ""


@dataclass
class CaseResult:
    name: str
    status: str  # pass | fail | error | skipped
    checks: dict[str, CheckResult] = field(default_factory=dict)
    output: str = ""
    trajectory: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: float = 0.0  # the slowest turn
    total_tokens: int = 0
    cycles: int = 0  # the most cycles in one turn
    error: str = ""

    def failures(self) -> list[str]:
        if self.error:
            return [self.error]
        return [check.reason for check in self.checks.values() if check.status == "fail"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "checks": {name: {"status": c.status, "reason": c.reason} for name, c in self.checks.items()},
            "output": self.output,
            "trajectory": self.trajectory,
            "latency_ms": round(self.latency_ms, 3),
            "total_tokens": self.total_tokens,
            "cycles": self.cycles,
            "error": self.error,
        }


def run_cases(
    cases: list[EvalCase],
    runner: Runner,
    *,
    judge_model: Any | None = None,
    workers: int = 1,
    on_ran: Callable[[str], None] | None = None,
) -> list[CaseResult]:
    """Run ``cases`` through ``runner``; cases with faults are skipped (and say so) where faults cannot be
    injected. ``on_ran`` gets each case's name as soon as its turns are done (progress)."""
    from strands_evals.chaos import ChaosCase, ChaosExperiment

    runnable = [c for c in cases if not c.faults or runner.supports_faults]
    chaos_cases = [
        ChaosCase(
            name=case.full_name,
            input=" / ".join(case.turns),
            metadata=case.to_metadata(),
            effects=_effects(case),
        )
        for case in runnable
    ]
    results: dict[str, CaseResult] = {}
    if chaos_cases:
        experiment = ChaosExperiment(cases=chaos_cases, evaluators=all_evaluators(judge_model))
        task = _task(runner, on_ran)
        with runner.faults_enabled():
            report = asyncio.run(experiment.run_evaluations_async(task, max_workers=max(1, workers)))
        results = _fold(report)
    folded = []
    for case in cases:
        result = results.get(case.full_name) or CaseResult(
            case.full_name,
            "skipped",
            error=f"skipped: fault cases run only in process, not against {runner.label}",
        )
        folded.append(result)
    return folded


def _effects(case: EvalCase) -> dict[str, Any]:
    from strands_evals.chaos import ExecutionError, Timeout

    if not case.faults:
        return {}
    kinds = {"error": ExecutionError, "timeout": Timeout}
    return {"tool_effects": {tool: [kinds[kind]()] for tool, kind in case.faults.items()}}


def _task(runner: Runner, on_ran: Callable[[str], None] | None) -> Callable[[Any], dict[str, Any]]:
    from strands_evals.types.evaluation import EnvironmentState

    def task(chaos_case: Any) -> dict[str, Any]:
        case: EvalCase = chaos_case.metadata["case"]
        trajectory: list[dict[str, Any]] = []
        latencies: list[float] = []
        tokens, cycles, text = 0, 0, ""
        for prompt in case.turns:
            started = time.perf_counter()
            reply = runner.ask(prompt, chaos_case.session_id)
            latencies.append((time.perf_counter() - started) * 1000)
            metrics = reply.get("metrics") or {}
            text = str(reply.get("text", ""))
            tokens += int((reply.get("usage") or {}).get("total_tokens", 0))
            cycles = max(cycles, int(metrics.get("cycles", 0)))
            trajectory.extend(metrics.get("tool_trajectory") or [])
        state = {"max_latency_ms": max(latencies), "total_tokens": tokens, "max_cycles": cycles}
        if on_ran is not None:
            on_ran(case.full_name)
        return {
            "output": text,
            "trajectory": trajectory,
            "environment_state": [EnvironmentState(name=METRICS_STATE, state=state)],
        }

    return task


def _fold(report: Any) -> dict[str, CaseResult]:
    results: dict[str, CaseResult] = {}
    for row, passed, reason, details in zip(
        report.cases, report.test_passes, report.reasons, report.detailed_results, strict=True
    ):
        name = row["name"]
        result = results.setdefault(name, _from_row(name, row))
        if reason.startswith("An error occurred:") and not details:
            result.status, result.error = "error", reason.removeprefix("An error occurred:").strip()
            continue
        labels = {d.label for d in details}
        if details and labels == {"not_applicable"}:
            status = "n/a"
        elif details and labels == {NOT_RUN_OFFLINE}:
            status = "not run (offline)"
        else:
            status = "pass" if passed else "fail"
        reasons = [d.reason for d in details if d.reason and (not passed) == (not d.test_pass)] or [reason]
        result.checks[row["evaluator"]] = CheckResult(status, "\n".join(r for r in reasons if r))
    for result in results.values():
        if result.status != "error":
            result.status = "fail" if any(c.status == "fail" for c in result.checks.values()) else "pass"
    return results


def _from_row(name: str, row: dict[str, Any]) -> CaseResult:
    state: dict[str, Any] = next(
        (s["state"] for s in row.get("actual_environment_state") or () if s.get("name") == METRICS_STATE), {}
    )
    return CaseResult(
        name=name,
        status="pass",
        output=str(row.get("actual_output") or ""),
        trajectory=list(row.get("actual_trajectory") or []),
        latency_ms=float(state.get("max_latency_ms", 0.0)),
        total_tokens=int(state.get("total_tokens", 0)),
        cycles=int(state.get("max_cycles", 0)),
    )
