"""Judge rubrics: with a model they run through strands-evals' ``OutputEvaluator`` and its verdict decides the
case; without one they are reported as not run, and never count as passed.

The "real" model here is the offline model playing a judge from a script (the structured verdict strands-evals
asks for), so the test needs no network; the wiring is the same as with Bedrock or OpenAI.
"""

from __future__ import annotations

import contextlib
from typing import Any

from agent_scaffold_runtime.evals import EvalCase, run_cases
from agent_scaffold_runtime.offline_model import OfflineModel


class EchoRunner:
    label = "echo"
    supports_faults = False

    def ask(self, prompt: str, session_id: str) -> dict[str, Any]:
        return {
            "text": f"You said: {prompt}",
            "session_id": session_id,
            "usage": {},
            "metrics": {"cycles": 1},
        }

    def faults_enabled(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


CASE = EvalCase(
    set_name="judged", name="polite", turns=("hi",), output={"contains": ["hi"]}, judge=("Polite.",)
)


def judge(test_pass: bool, reason: str) -> OfflineModel:
    verdict = {"score": 1.0 if test_pass else 0.0, "test_pass": test_pass, "reason": reason}
    return OfflineModel(script=[{"tool": "EvaluationOutput", "input": verdict}])


def test_a_failing_verdict_fails_the_case() -> None:
    [result] = run_cases([CASE], EchoRunner(), judge_model=judge(False, "The reply is curt, not polite."))

    assert result.status == "fail"
    assert result.checks["output"].status == "pass"
    assert result.checks["judge"].status == "fail"
    assert result.checks["judge"].reason == "The reply is curt, not polite."


def test_a_passing_verdict_passes() -> None:
    [result] = run_cases([CASE], EchoRunner(), judge_model=judge(True, "Polite enough."))

    assert result.status == "pass"
    assert result.checks["judge"].status == "pass"


def test_without_a_model_the_judge_is_not_run_and_not_passed() -> None:
    [result] = run_cases([CASE], EchoRunner(), judge_model=None)

    assert result.status == "pass"  # the deterministic checks decide
    assert result.checks["judge"].status == "not run (offline)"
    assert "1 rubric(s) need a real model" in result.checks["judge"].reason
