"""The eval set format: what a case may say, and the one-line errors that name file, case and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from agent_scaffold_runtime.evals import EvalSetError, load_set
from agent_scaffold_runtime.evals.cases import ToolCallExpectation, ToolsExpectation
from agent_scaffold_runtime.evals.checks import check_trajectory, equals_diff


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "set.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_case_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
cases:
  - name: c1
    turns: ["Hi", "Ask the calculator expression=1+1"]
    faults: {calculator: timeout}
    expect:
      output: {equals: "x", contains: "y", regex: "z+", json: {type: object, required: [a]}}
      tools: {calls: [calculator, {name: word_count, input: {text: hi}}], order: any, exact: false}
      limits: {latency_ms: 100, tokens: 50, cycles: 3}
      judge: "Polite."
""",
    )
    [case] = load_set(path)

    assert case.full_name == "set/c1"
    assert case.turns == ("Hi", "Ask the calculator expression=1+1")
    assert case.output["contains"] == ["y"]
    assert case.tools == ToolsExpectation(
        (ToolCallExpectation("calculator"), ToolCallExpectation("word_count", {"text": "hi"})), "any", False
    )
    assert case.limits == {"latency_ms": 100.0, "tokens": 50.0, "cycles": 3.0}
    assert case.judge == ("Polite.",)
    assert case.faults == {"calculator": "timeout"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("cases: []", "key 'cases': expected a mapping with a non-empty 'cases:' list."),
        ("cases:\n  - input: hi", "case '#1', key 'name': every case needs a name"),
        ("cases:\n  - name: a", "case 'a', key 'input': give either 'input' (one prompt) or 'turns'"),
        (
            "cases:\n  - {name: a, input: hi, expect: {tools: {order: random}}}",
            "case 'a', key 'expect.tools.order': expected 'strict' or 'any', got 'random'.",
        ),
        (
            "cases:\n  - {name: a, input: hi, expect: {output: {regex: '('}}}",
            "case 'a', key 'expect.output.regex': not a valid regular expression",
        ),
        (
            "cases:\n  - {name: a, input: hi, expect: {output: {json: {type: 12}}}}",
            "case 'a', key 'expect.output.json': not a valid JSON Schema",
        ),
        (
            "cases:\n  - {name: a, input: hi, expect: {limits: {tokens: -1}}}",
            "case 'a', key 'expect.limits.tokens': expected a positive number, got -1.",
        ),
        (
            "cases:\n  - {name: a, input: hi, expect: {outptu: {}}}",
            "case 'a', key 'expect.outptu': unknown key; expected one of: judge, limits, output, tools.",
        ),
        (
            "cases:\n  - {name: a, input: hi, expect: [output]}",
            "case 'a', key 'expect': expected a mapping (output, tools, limits, judge).",
        ),
        (
            "cases:\n  - {name: a, input: hi, expect: {output: yes}}",
            "case 'a', key 'expect.output': expected a mapping (equals, contains, not_contains, regex, json)",
        ),
        (
            "cases:\n  - {name: a, input: hi, expect: {tools: calculator}}",
            "key 'expect.tools': expected a list of calls or a mapping (calls, order, exact, status).",
        ),
        (
            "cases:\n  - {name: a, input: hi, expect: {limits: {tokens: 5, turns: 2}}}",
            "case 'a', key 'expect.limits.turns': unknown key; expected one of: cycles, latency_ms, tokens.",
        ),
        (
            "cases:\n  - {name: a, input: hi, faults: {calculator: explode}}",
            "case 'a', key 'faults.calculator': expected one of error, timeout, got 'explode'.",
        ),
        ("cases: [\n", "is not valid YAML at line"),
    ],
)
def test_a_bad_set_is_one_line_naming_file_case_and_key(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)

    with pytest.raises(EvalSetError) as raised:
        load_set(path)

    text = str(raised.value)
    assert text.startswith(f"{path}: ") or text.startswith(f"{path}, ")
    assert message in text
    assert "\n" not in text


def test_equals_diff_shows_both_values_and_where_they_differ() -> None:
    diff = equals_diff("The calculator tool returned: 43", "The calculator tool returned: 42")

    assert "- expected: 'The calculator tool returned: 43'" in diff
    assert "+ actual:   'The calculator tool returned: 42'" in diff
    assert "first difference at character 32" in diff


def test_trajectory_order_arguments_and_extra_calls() -> None:
    calc = {"name": "calculator", "input": {"expression": "6*7"}, "status": "success"}
    words = {"name": "word_count", "input": {"text": "a b"}, "status": "success"}
    in_order = ToolsExpectation((ToolCallExpectation("word_count"), ToolCallExpectation("calculator")))
    any_order = ToolsExpectation(in_order.calls, order="any")
    wrong_argument = ToolsExpectation((ToolCallExpectation("calculator", {"expression": "6*8"}),))

    assert not check_trajectory(in_order, [calc, words]).test_pass
    assert check_trajectory(any_order, [calc, words]).test_pass
    assert check_trajectory(in_order, [words, calc]).test_pass
    assert not check_trajectory(
        ToolsExpectation((ToolCallExpectation("calculator"),)), [calc, words]
    ).test_pass
    verdict = check_trajectory(wrong_argument, [calc])
    assert not verdict.test_pass
    assert 'calculator was called with {"expression": "6*7"}' in str(verdict.reason)
