"""Eval sets (``evals/*.yaml``) run on strands-agents-evals: the case format, the checks and the run.

Needs the ``evals`` extra (``agent-scaffold-runtime[evals]``). ``scaffold eval`` adds servers, deployed
targets and reports on top; a project's own tests use ``CoreRunner`` directly::

    from agent_scaffold_runtime.evals import CoreRunner, discover_sets, load_sets, run_cases
    results = run_cases(load_sets(discover_sets(project_root)), CoreRunner(my_agent.agent))
"""

from .cases import EvalCase, EvalSetError, discover_sets, load_set, load_sets
from .experiment import CHECKS, CaseResult, CheckResult, run_cases
from .runner import CoreRunner, Runner

__all__ = [
    "CHECKS",
    "CaseResult",
    "CheckResult",
    "CoreRunner",
    "EvalCase",
    "EvalSetError",
    "Runner",
    "discover_sets",
    "load_set",
    "load_sets",
    "run_cases",
]
