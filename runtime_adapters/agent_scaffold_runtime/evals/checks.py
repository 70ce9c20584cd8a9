"""The checks of an eval case, as strands-agents-evals evaluators.

An ``Experiment`` runs every evaluator on every case, so each evaluator reads its case's expectations from
the case metadata and answers "not applicable" when the case sets none. Output, trajectory and limits are
deterministic and always run; the judge wraps strands-evals' ``OutputEvaluator`` and runs only with a real
model, otherwise it reports "not run (offline)" (never a silent pass).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from typing import Any

from strands_evals.evaluators import Contains, Equals, Evaluator, OutputEvaluator
from strands_evals.types.evaluation import NOT_APPLICABLE, EvaluationData, EvaluationOutput

from .cases import EvalCase, ToolCallExpectation, ToolsExpectation

NOT_RUN_OFFLINE = "not_run_offline"
METRICS_STATE = "metrics"


def case_of(data: EvaluationData[Any, Any]) -> EvalCase:
    case: EvalCase = (data.metadata or {})["case"]
    return case


def metrics_of(data: EvaluationData[Any, Any]) -> dict[str, Any]:
    for state in data.actual_environment_state or ():
        if state.name == METRICS_STATE:
            return dict(state.state)
    return {}


def _not_applicable(what: str) -> list[EvaluationOutput]:
    return [EvaluationOutput(score=0.0, test_pass=True, label=NOT_APPLICABLE, reason=f"no {what} expected")]


def _verdict(passed: bool, reason: str) -> EvaluationOutput:
    return EvaluationOutput(score=1.0 if passed else 0.0, test_pass=passed, reason=reason)


Verdicts = Callable[[Any, EvaluationData[Any, Any]], list[EvaluationOutput]]


class Deterministic(Evaluator[Any, Any]):
    """A check computed from the replies alone: ``verdicts`` on the case's ``expected`` part, or "not
    applicable" when the case sets none (an empty mapping, or ``None``)."""

    def __init__(self, name: str, expected: Callable[[EvalCase], Any], verdicts: Verdicts) -> None:
        super().__init__(name=name)
        self.expected = expected
        self.verdicts = verdicts

    def evaluate(self, evaluation_case: EvaluationData[Any, Any]) -> list[EvaluationOutput]:
        expected = self.expected(case_of(evaluation_case))
        if not expected:
            return _not_applicable(self.name)
        return self.verdicts(expected, evaluation_case)

    async def evaluate_async(self, evaluation_case: EvaluationData[Any, Any]) -> list[EvaluationOutput]:
        return self.evaluate(evaluation_case)


def output_verdicts(
    checks: dict[str, Any], evaluation_case: EvaluationData[Any, Any]
) -> list[EvaluationOutput]:
    """equals / contains / not_contains / regex / json on the last reply's text."""
    actual = str(evaluation_case.actual_output or "")
    outputs: list[EvaluationOutput] = []
    if "equals" in checks:
        [result] = Equals(value=checks["equals"]).evaluate(evaluation_case)
        reason = "equals: matches" if result.test_pass else equals_diff(checks["equals"], actual)
        outputs.append(_verdict(result.test_pass, reason))
    for value in checks.get("contains", ()):
        [result] = Contains(value=value).evaluate(evaluation_case)
        outputs.append(_verdict(result.test_pass, f"contains: {result.reason}; actual: {actual!r}"))
    for value in checks.get("not_contains", ()):
        found = value in actual
        outputs.append(_verdict(not found, f"not_contains: {value!r} {'found' if found else 'absent'}"))
    if "regex" in checks:
        found = re.search(checks["regex"], actual) is not None
        outputs.append(
            _verdict(
                found, f"regex: /{checks['regex']}/ {'matches' if found else 'does not match'} {actual!r}"
            )
        )
    if "json" in checks:
        outputs.append(_json_check(checks["json"], actual))
    return outputs


def equals_diff(expected: str, actual: str) -> str:
    """A readable diff: both values, and where they first differ (a unified diff for multi-line text)."""
    if "\n" in expected or "\n" in actual:
        lines = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "expected", "actual", lineterm=""
        )
        return "equals: differs\n" + "\n".join(lines)
    index = next(
        (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
        min(len(expected), len(actual)),
    )
    return (
        "equals: differs\n"
        f"  - expected: {expected!r}\n"
        f"  + actual:   {actual!r}\n"
        f"    first difference at character {index + 1}"
    )


def _json_check(schema: dict[str, Any], actual: str) -> EvaluationOutput:
    import jsonschema

    try:
        value = json.loads(actual)
    except ValueError:
        return _verdict(False, f"json: the reply is not JSON: {actual[:200]!r}")
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(value), key=lambda e: list(e.path))
    if not errors:
        return _verdict(True, "json: matches the schema")
    where = "/".join(str(p) for p in errors[0].path) or "(root)"
    return _verdict(False, f"json: at {where}: {errors[0].message}")


def trajectory_verdicts(
    expectation: ToolsExpectation, evaluation_case: EvaluationData[Any, Any]
) -> list[EvaluationOutput]:
    """Which tools were called, in which order, with which arguments (from the replies' tool trajectory)."""
    return [check_trajectory(expectation, list(evaluation_case.actual_trajectory or []))]


def check_trajectory(expectation: ToolsExpectation, actual: list[dict[str, Any]]) -> EvaluationOutput:
    called = ", ".join(_describe(call) for call in actual) or "no tools"
    expected = ", ".join(_describe_expected(c) for c in expectation.calls) or "no tools"
    remaining = list(actual)
    matched: list[dict[str, Any]] = []
    position = 0
    for wanted in expectation.calls:
        candidates = remaining[position:] if expectation.order == "strict" else remaining
        hit = next((call for call in candidates if _matches(wanted, call)), None)
        if hit is None:
            return _verdict(
                False, f"trajectory: expected {expected}; called {called} ({_why(wanted, actual)})"
            )
        if expectation.order == "strict":
            position = remaining.index(hit) + 1
        else:
            remaining.remove(hit)
        matched.append(hit)
    extra = len(actual) - len(matched)
    if expectation.exact and extra:
        return _verdict(False, f"trajectory: expected only {expected}; called {called}")
    if expectation.status is not None:
        wrong = [c for c in matched if c.get("status") != expectation.status]
        if wrong:
            return _verdict(
                False,
                f"trajectory: expected every call to end in {expectation.status}; "
                f"{_describe(wrong[0])} ended in {wrong[0].get('status')}",
            )
    return _verdict(True, f"trajectory: called {called}")


def _matches(wanted: ToolCallExpectation, call: dict[str, Any]) -> bool:
    if call.get("name") != wanted.name:
        return False
    if wanted.input is None:
        return True
    arguments = call.get("input") or {}
    return all(key in arguments and arguments[key] == value for key, value in wanted.input.items())


def _why(wanted: ToolCallExpectation, actual: list[dict[str, Any]]) -> str:
    same_name = [call for call in actual if call.get("name") == wanted.name]
    if not same_name:
        return f"{wanted.name} was not called"
    return f"{wanted.name} was called with {json.dumps(same_name[0].get('input'), sort_keys=True)}"


def _describe(call: dict[str, Any]) -> str:
    return f"{call.get('name')}({json.dumps(call.get('input') or {}, sort_keys=True)})"


def _describe_expected(call: ToolCallExpectation) -> str:
    return call.name if call.input is None else f"{call.name}({json.dumps(call.input, sort_keys=True)})"


def limits_verdicts(
    limits: dict[str, float], evaluation_case: EvaluationData[Any, Any]
) -> list[EvaluationOutput]:
    """Latency per turn, tokens over all turns, cycles per turn: each at most its limit."""
    measured = metrics_of(evaluation_case)
    actual = {
        "latency_ms": measured.get("max_latency_ms", 0.0),
        "tokens": measured.get("total_tokens", 0),
        "cycles": measured.get("max_cycles", 0),
    }
    return [
        _verdict(actual[key] <= limit, f"{key}: {actual[key]:g} (limit {limit:g})")
        for key, limit in limits.items()
    ]


class JudgeCheck(Evaluator[Any, Any]):
    """The case's rubrics through strands-evals' ``OutputEvaluator``, on ``judge_model``; with no real model
    every rubric is reported as not run."""

    def __init__(self, judge_model: Any | None) -> None:
        super().__init__(name="judge")
        self.judge_model = judge_model

    def evaluate(self, evaluation_case: EvaluationData[Any, Any]) -> list[EvaluationOutput]:
        raise NotImplementedError("JudgeCheck is asynchronous; the experiment calls evaluate_async.")

    async def evaluate_async(self, evaluation_case: EvaluationData[Any, Any]) -> list[EvaluationOutput]:
        rubrics = case_of(evaluation_case).judge
        if not rubrics:
            return _not_applicable("judge")
        if self.judge_model is None:
            return [
                EvaluationOutput(
                    score=0.0,
                    test_pass=True,
                    label=NOT_RUN_OFFLINE,
                    reason=f"judge: not run (offline): {len(rubrics)} rubric(s) need a real model",
                )
            ]
        outputs: list[EvaluationOutput] = []
        for rubric in rubrics:
            outputs.extend(
                await OutputEvaluator(rubric=rubric, model=self.judge_model).evaluate_async(evaluation_case)
            )
        return outputs


def all_evaluators(judge_model: Any | None) -> list[Evaluator[Any, Any]]:
    # An expectation of no tool calls at all is still a ToolsExpectation: only None is "none expected".
    return [
        Deterministic("output", lambda case: case.output, output_verdicts),
        Deterministic("trajectory", lambda case: case.tools, trajectory_verdicts),
        Deterministic("limits", lambda case: case.limits, limits_verdicts),
        JudgeCheck(judge_model),
    ]
