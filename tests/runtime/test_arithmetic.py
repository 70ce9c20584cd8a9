"""The calculator's safe arithmetic: results as text, and an ``Error: ...`` for anything but arithmetic."""

from __future__ import annotations

import pytest
from agent_scaffold_runtime.arithmetic import evaluate


@pytest.mark.parametrize(
    ("expression", "expected"),
    [("6*7", "42"), ("(2 + 3) * 4", "20"), ("2 ** 10", "1024"), ("0.1 + 0.2", "0.3"), ("7 // 2", "3")],
)
def test_arithmetic_is_evaluated(expression: str, expected: str) -> None:
    assert evaluate(expression) == expected


@pytest.mark.parametrize(
    ("expression", "error"),
    [
        ("1/0", "Error: division by zero."),
        ("9**9**9", "Error: the result is too large."),
        ("__import__('os')", "Error: only numbers"),
        ("1 +", "is not an arithmetic expression"),
        ("1" * 201, "longer than 200 characters"),
        ("(-1) ** 0.5", "not a real number"),
    ],
)
def test_anything_else_is_an_error_the_model_can_read(expression: str, error: str) -> None:
    assert error in evaluate(expression)
