"""Eval sets: ``evals/*.yaml`` files of cases, read and checked into typed ``EvalCase`` objects.

A set is a YAML mapping with a ``cases:`` list. Each case has a ``name``, an ``input`` (one prompt) or
``turns`` (a conversation in one session), and ``expect``:

``output``
    ``equals``, ``contains`` (a string or a list), ``not_contains``, ``regex`` and ``json`` (a JSON Schema
    the reply text, parsed as JSON, must satisfy); checked on the last turn's reply.
``tools``
    ``calls``: the expected tool calls (a name, or ``{name, input}`` where ``input`` holds the arguments
    that must match); ``order``: ``strict`` (default), ``any``; ``exact``: no other calls allowed (default
    true); ``status``: ``success`` or ``error`` for every expected call. ``tools: []`` means no tool call.
``limits``
    ``latency_ms`` (each turn), ``tokens`` (all turns), ``cycles`` (each turn): maxima.
``judge``
    A list of rubrics (strings) for an LLM judge; run only on a real model.

``faults`` makes a tool fail: ``{calculator: error}`` or ``{calculator: timeout}`` (strands-agents-evals
chaos effects), so a case can expect the agent to recover or answer gracefully.

Every error names the file, the case and the key, on one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class EvalSetError(ValueError):
    """An eval set that cannot be used as written; the message names the file, the case and the key."""


EVALS_DIR = "evals"
FAULT_KINDS = ("error", "timeout")
_CASE_KEYS = ("name", "input", "turns", "expect", "faults", "description")
_EXPECT_KEYS = ("output", "tools", "limits", "judge")
_OUTPUT_KEYS = ("equals", "contains", "not_contains", "regex", "json")
_TOOLS_KEYS = ("calls", "order", "exact", "status")
_LIMIT_KEYS = ("latency_ms", "tokens", "cycles")


@dataclass(frozen=True)
class ToolCallExpectation:
    name: str
    input: dict[str, Any] | None = None  # the arguments that must match; None: any arguments


@dataclass(frozen=True)
class ToolsExpectation:
    calls: tuple[ToolCallExpectation, ...]
    order: str = "strict"
    exact: bool = True
    status: str | None = None


@dataclass(frozen=True)
class EvalCase:
    set_name: str
    name: str
    turns: tuple[str, ...]
    output: dict[str, Any] = field(default_factory=dict)
    tools: ToolsExpectation | None = None
    limits: dict[str, float] = field(default_factory=dict)
    judge: tuple[str, ...] = ()
    faults: dict[str, str] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.set_name}/{self.name}"

    def to_metadata(self) -> dict[str, Any]:
        """What the evaluators read (strands-evals hands a case's metadata to every evaluator)."""
        return {"case": self}


class _Where:
    """Builds the one-line error prefix: ``evals/smoke.yaml, case 'x', key 'expect.output.regex'``."""

    def __init__(self, path: Path, case: str | None = None) -> None:
        self.path, self.case = path, case

    def fail(self, key: str | None, problem: str) -> EvalSetError:
        parts = [str(self.path)]
        if self.case is not None:
            parts.append(f"case {self.case!r}")
        if key:
            parts.append(f"key {key!r}")
        return EvalSetError(f"{', '.join(parts)}: {problem}")


def discover_sets(root: Path, names: tuple[str, ...] = ()) -> list[Path]:
    """The eval set files to run: the named ones (a path, or a name under ``evals/``), else all of them."""
    if names:
        paths = []
        for name in names:
            candidates = [Path(name), root / name, root / EVALS_DIR / name, root / EVALS_DIR / f"{name}.yaml"]
            found = next((c for c in candidates if c.is_file()), None)
            if found is None:
                raise EvalSetError(f"No eval set {name!r} (looked in {root / EVALS_DIR}).")
            paths.append(found)
        return paths
    directory = root / EVALS_DIR
    paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]) if directory.is_dir() else []
    if not paths:
        raise EvalSetError(f"No eval sets: add cases to {directory}/*.yaml (see docs/eval.md).")
    return paths


def load_sets(paths: list[Path]) -> list[EvalCase]:
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for path in paths:
        for case in load_set(path):
            if case.full_name in seen:
                raise EvalSetError(f"{path}, case {case.name!r}: the name is used twice in {case.set_name}.")
            seen.add(case.full_name)
            cases.append(case)
    return cases


def load_set(path: Path) -> list[EvalCase]:
    import yaml

    where = _Where(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise where.fail(None, f"cannot be read ({exc.strerror}).") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise where.fail(None, f"is not valid YAML{line}: {getattr(exc, 'problem', exc)}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list) or not data["cases"]:
        raise where.fail("cases", "expected a mapping with a non-empty 'cases:' list.")
    set_name = path.stem
    return [_case(path, set_name, index, raw) for index, raw in enumerate(data["cases"], start=1)]


def _case(path: Path, set_name: str, index: int, raw: Any) -> EvalCase:
    if not isinstance(raw, dict):
        raise _Where(path, f"#{index}").fail(None, "a case must be a mapping (name, input, expect).")
    name = raw.get("name")
    where = _Where(path, str(name) if name else f"#{index}")
    if not isinstance(name, str) or not name.strip():
        raise where.fail("name", "every case needs a name (a non-empty string).")
    _no_unknown(where, "", raw, _CASE_KEYS)
    turns = _turns(where, raw)
    expect = _section(where, "expect", raw.get("expect") or {}, _EXPECT_KEYS)
    return EvalCase(
        set_name=set_name,
        name=name.strip(),
        turns=turns,
        output=_output(where, expect.get("output")),
        tools=_tools(where, expect["tools"]) if "tools" in expect else None,
        limits=_limits(where, expect.get("limits")),
        judge=_judge(where, expect.get("judge")),
        faults=_faults(where, raw.get("faults")),
    )


def _section(
    where: _Where, key: str, raw: Any, allowed: tuple[str, ...], shape: str = "a mapping"
) -> dict[str, Any]:
    """``raw`` as the mapping at ``key``, holding only ``allowed`` keys; anything else fails naming them."""
    if not isinstance(raw, dict):
        raise where.fail(key, f"expected {shape} ({', '.join(allowed)}).")
    _no_unknown(where, f"{key}.", raw, allowed)
    return raw


def _no_unknown(where: _Where, prefix: str, mapping: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in mapping:
        if key not in allowed:
            raise where.fail(f"{prefix}{key}", f"unknown key; expected one of: {', '.join(sorted(allowed))}.")


def _turns(where: _Where, raw: dict[str, Any]) -> tuple[str, ...]:
    if ("input" in raw) == ("turns" in raw):
        raise where.fail("input", "give either 'input' (one prompt) or 'turns' (a list of prompts).")
    if "input" in raw:
        value = raw["input"]
        if not isinstance(value, str) or not value.strip():
            raise where.fail("input", "expected a non-empty string.")
        return (value,)
    value = raw["turns"]
    if not isinstance(value, list) or not value or not all(isinstance(t, str) and t.strip() for t in value):
        raise where.fail("turns", "expected a non-empty list of non-empty strings.")
    return tuple(value)


def _output(where: _Where, raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    raw = _section(where, "expect.output", raw, _OUTPUT_KEYS)
    checks: dict[str, Any] = {}
    if "equals" in raw:
        if not isinstance(raw["equals"], str):
            raise where.fail("expect.output.equals", "expected a string.")
        checks["equals"] = raw["equals"]
    for key in ("contains", "not_contains"):
        if key in raw:
            value = raw[key]
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                raise where.fail(f"expect.output.{key}", "expected a string or a list of strings.")
            checks[key] = list(values)
    if "regex" in raw:
        try:
            re.compile(str(raw["regex"]))
        except re.error as exc:
            raise where.fail("expect.output.regex", f"not a valid regular expression ({exc}).") from None
        checks["regex"] = str(raw["regex"])
    if "json" in raw:
        checks["json"] = _json_schema(where, raw["json"])
    return checks


def _json_schema(where: _Where, schema: Any) -> dict[str, Any]:
    import jsonschema

    if not isinstance(schema, dict):
        raise where.fail("expect.output.json", "expected a JSON Schema mapping (e.g. {type: object}).")
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise where.fail("expect.output.json", f"not a valid JSON Schema: {exc.message}.") from None
    return schema


def _tools(where: _Where, raw: Any) -> ToolsExpectation:
    if isinstance(raw, list):
        raw = {"calls": raw}
    raw = _section(where, "expect.tools", raw, _TOOLS_KEYS, shape="a list of calls or a mapping")
    calls = raw.get("calls", [])
    if not isinstance(calls, list):
        raise where.fail("expect.tools.calls", "expected a list of tool names or {name, input} mappings.")
    order = raw.get("order", "strict")
    if order not in ("strict", "any"):
        raise where.fail("expect.tools.order", f"expected 'strict' or 'any', got {order!r}.")
    exact = raw.get("exact", True)
    if not isinstance(exact, bool):
        raise where.fail("expect.tools.exact", "expected true or false.")
    status = raw.get("status")
    if status not in (None, "success", "error"):
        raise where.fail("expect.tools.status", f"expected 'success' or 'error', got {status!r}.")
    return ToolsExpectation(tuple(_call(where, i, c) for i, c in enumerate(calls)), order, exact, status)


def _call(where: _Where, index: int, raw: Any) -> ToolCallExpectation:
    key = f"expect.tools.calls[{index}]"
    if isinstance(raw, str) and raw.strip():
        return ToolCallExpectation(raw.strip())
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise where.fail(key, "expected a tool name or a mapping with 'name' (and optional 'input').")
    _no_unknown(where, f"{key}.", raw, ("name", "input"))
    arguments = raw.get("input")
    if arguments is not None and not isinstance(arguments, dict):
        raise where.fail(f"{key}.input", "expected a mapping of argument names to values.")
    return ToolCallExpectation(raw["name"], arguments)


def _limits(where: _Where, raw: Any) -> dict[str, float]:
    if raw is None:
        return {}
    raw = _section(where, "expect.limits", raw, _LIMIT_KEYS)
    limits: dict[str, float] = {}
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise where.fail(f"expect.limits.{key}", f"expected a positive number, got {value!r}.")
        limits[key] = float(value)
    return limits


def _judge(where: _Where, raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    rubrics = [raw] if isinstance(raw, str) else raw
    if not isinstance(rubrics, list) or not all(isinstance(r, str) and r.strip() for r in rubrics):
        raise where.fail("expect.judge", "expected a rubric (a string) or a list of rubrics.")
    return tuple(rubrics)


def _faults(where: _Where, raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not raw:
        raise where.fail("faults", "expected a mapping of tool name to 'error' or 'timeout'.")
    for tool_name, kind in raw.items():
        if kind not in FAULT_KINDS:
            raise where.fail(
                f"faults.{tool_name}", f"expected one of {', '.join(FAULT_KINDS)}, got {kind!r}."
            )
    return {str(k): str(v) for k, v in raw.items()}
