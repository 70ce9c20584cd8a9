"""Safe arithmetic for a calculator tool: numbers, + - * / // % ** and parentheses, nothing else.

``evaluate(expression)`` parses with ``ast`` and walks only numeric literals and arithmetic operators (no
names, calls or attributes: never ``eval``), bounds the input length and every intermediate magnitude (no
``9**9**9`` denial of service), and answers a model-readable string: the result, or ``Error: ...`` that the
model can correct. Generated projects' example ``calculator`` tool is this function with a docstring.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import TypeGuard

_BINARY_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY_OPERATORS: dict[type[ast.unaryop], Callable[[float], float]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
_MAX_EXPRESSION_CHARS = 200
_MAX_MAGNITUDE = 10**100  # keeps every intermediate result small: no `9**9**9` denial of service


class _CalculatorError(ValueError):
    pass


def evaluate(expression: str) -> str:
    """The value of ``expression`` as text, or an ``Error: ...`` message for the model."""
    if len(expression) > _MAX_EXPRESSION_CHARS:
        return f"Error: the expression is longer than {_MAX_EXPRESSION_CHARS} characters."
    try:
        tree = ast.parse(expression.strip(), mode="eval")
        value = _evaluate(tree.body)
    except ZeroDivisionError:
        return "Error: division by zero."
    except _CalculatorError as exc:
        return f"Error: {exc}"
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return (
            f"Error: {expression!r} is not an arithmetic expression; "
            "use numbers, + - * / // % ** and parentheses."
        )
    return _format_number(value)


def _evaluate(node: ast.expr) -> float:
    """Walk the parsed expression, allowing only numeric literals and arithmetic operators."""
    if isinstance(node, ast.Constant) and _is_number(node.value):
        return _checked(node.value)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY_OPERATORS:
        return _UNARY_OPERATORS[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY_OPERATORS:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow):
            _check_power(left, right)
        return _checked(_BINARY_OPERATORS[type(node.op)](left, right))
    found = repr(node.value) if isinstance(node, ast.Constant) else type(node).__name__
    raise _CalculatorError(f"only numbers, + - * / // % ** and parentheses are allowed (found {found}).")


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_power(base: float, exponent: float) -> None:
    if abs(base) > 1 and exponent > 0 and exponent * math.log10(abs(base)) > math.log10(_MAX_MAGNITUDE):
        raise _CalculatorError("the result is too large.")


def _checked(value: float) -> float:
    if isinstance(value, complex):
        raise _CalculatorError("the result is not a real number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise _CalculatorError("the result is too large.")
    if abs(value) > _MAX_MAGNITUDE:
        raise _CalculatorError("the result is too large.")
    return value


def _format_number(value: float) -> str:
    """Integers as they are; floats to 12 significant digits, so ``0.1 + 0.2`` reads ``0.3``."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".12g")
    return str(value)
