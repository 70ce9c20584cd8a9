"""Each sample's own test suite (the travel desk library's too), run as its README says (``pytest`` in the
sample directory), in CI.

The suite runs in a process of its own (the sample's ``pytest`` configuration), with this interpreter (which
has the runtime library the sample depends on) and none of the developer's ``AGENT_*`` settings. It must pass
whole: no failures, no errors, nothing skipped or expected to fail.
"""

from __future__ import annotations

import re
import sys

import pytest

from tests.support.processes import run_ok

from .support import LIBRARIES, NAMES, SAMPLES, sample_env

#: Fewer tests than this means part of a suite stopped being collected.
#: The travel desk's own tests (dates, the policy, bookings) moved there from the travel assistant's.
MINIMUM_TESTS = {"travel-assistant": 50, "travel-desk": 22, "mcp-server": 24, "research-orchestrator": 58}


@pytest.mark.parametrize("name", [*NAMES, *LIBRARIES])
def test_the_sample_suite_passes(name: str) -> None:
    result = run_ok(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEsxX"],
        cwd=SAMPLES / name,
        env=sample_env(),
    )
    output = result.stdout + result.stderr
    summary = output.strip().splitlines()[-1]
    counts = {kind: int(number) for number, kind in re.findall(r"(\d+) (\w+)", summary)}
    # nothing skipped, expected to fail, or errored
    assert set(counts) <= {"passed", "warning", "warnings"}, summary
    assert counts["passed"] >= MINIMUM_TESTS[name], summary
