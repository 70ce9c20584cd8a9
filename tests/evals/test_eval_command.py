"""``scaffold eval`` end to end on a generated project: the core in process, real servers over sockets,
wrong expectations, a removed tool, fault cases, baselines and JUnit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path

from click.testing import Result

from tests.evals.conftest import PACKAGE, comparable
from tests.support.processes import running_server

Cli = Callable[[Sequence[str]], Result]


def eval_json(cli: Cli, *args: str) -> tuple[int, dict]:
    result = cli(["eval", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def calculator_case(path: Path, name: str, output: str) -> Path:
    """An eval set of one case, ``name``, that asks the calculator for 6*7 and expects ``output`` (a YAML
    flow mapping of output checks)."""
    path.write_text(
        f'cases:\n  - name: {name}\n    input: "Ask the calculator expression=6*7"\n'
        f"    expect: {{output: {output}}}\n",
        encoding="utf-8",
    )
    return path


def test_the_generated_sets_pass_offline_on_the_core(scaffold_cli: Cli, eval_project: Path) -> None:
    result = scaffold_cli(["eval", "--project", str(eval_project)])

    assert result.exit_code == 0, result.output
    assert "7/7 passed" in result.stdout
    assert "judges not run (offline) in 1 case(s)" in result.stdout
    assert "smoke/judged answer" in result.stdout


def test_core_agentcore_and_fastapi_servers_agree(
    scaffold_cli: Cli, eval_project: Path, tmp_path: Path
) -> None:
    code, core = eval_json(scaffold_cli, "smoke", "--project", str(eval_project))
    results = {"core": core}
    for name, app in (("agentcore", "agentcore_app"), ("fastapi", "http_app")):
        sessions = str(tmp_path / f"sessions-{name}")
        with running_server(
            eval_project, f"{PACKAGE}.entrypoints.{app}:app", AGENT_MEMORY="file", AGENT_SESSION_DIR=sessions
        ) as url:
            server_code, results[name] = eval_json(
                scaffold_cli, "smoke", "--project", str(eval_project), "--url", url
            )
        assert server_code == 0, results[name]

    assert code == 0
    assert core["summary"]["passed"] == core["summary"]["cases"] == 5
    assert comparable(results["agentcore"]) == comparable(core)
    assert comparable(results["fastapi"]) == comparable(core)
    assert results["fastapi"]["runner"].endswith("/invocations")


def test_a_wrong_expectation_fails_with_a_readable_diff(
    scaffold_cli: Cli, eval_project: Path, tmp_path: Path
) -> None:
    wrong = calculator_case(
        tmp_path / "wrong.yaml", "off by one", '{equals: "The calculator tool returned: 43"}'
    )

    result = scaffold_cli(["eval", str(wrong), "--project", str(eval_project)])

    assert result.exit_code == 1
    assert "wrong/off by one  FAIL" in result.stdout
    assert "- expected: 'The calculator tool returned: 43'" in result.stdout
    assert "+ actual:   'The calculator tool returned: 42'" in result.stdout
    assert "0/1 passed, 1 failed" in result.stdout


def test_a_removed_tool_fails_the_trajectory_check(scaffold_cli: Cli, project_copy: Path) -> None:
    tools = project_copy / PACKAGE / "tools.py"
    source = tools.read_text(encoding="utf-8")
    assert "TOOLS: list[AgentTool] = [calculator, " in source
    tools.write_text(
        source.replace("TOOLS: list[AgentTool] = [calculator, ", "TOOLS: list[AgentTool] = ["),
        encoding="utf-8",
    )

    code, document = eval_json(scaffold_cli, "smoke", "--project", str(project_copy))

    assert code == 1
    case = next(c for c in document["cases"] if c["name"] == "smoke/calculator")
    assert case["status"] == "fail"
    assert case["trajectory"] == []
    assert case["checks"]["trajectory"]["status"] == "fail"
    assert "calculator was not called" in case["checks"]["trajectory"]["reason"]


def test_a_fault_case_makes_the_tool_fail(scaffold_cli: Cli, eval_project: Path) -> None:
    code, document = eval_json(scaffold_cli, "faults", "--project", str(eval_project))

    assert code == 0, document
    failing = next(c for c in document["cases"] if c["name"] == "faults/calculator fails")
    assert failing["trajectory"] == [
        {"name": "calculator", "input": {"expression": "6*7"}, "status": "error"}
    ]
    assert "42" not in failing["output"]
    timing_out = next(c for c in document["cases"] if c["name"] == "faults/calculator times out")
    assert "timed out" in timing_out["output"]
    # Without the fault the same prompt answers 42: the failure came from the injected effect.
    _, smoke = eval_json(scaffold_cli, "smoke", "--project", str(eval_project))
    calculator = next(c for c in smoke["cases"] if c["name"] == "smoke/calculator")
    assert calculator["output"] == "The calculator tool returned: 42"
    assert calculator["trajectory"][0]["status"] == "success"


def test_fault_cases_are_skipped_not_passed_against_a_server(
    scaffold_cli: Cli, eval_project: Path, tmp_path: Path
) -> None:
    with running_server(
        eval_project, f"{PACKAGE}.entrypoints.http_app:app", AGENT_SESSION_DIR=str(tmp_path)
    ) as url:
        code, document = eval_json(scaffold_cli, "faults", "--project", str(eval_project), "--url", url)

    assert code == 0
    assert document["summary"]["skipped"] == 2
    assert document["summary"]["passed"] == 0
    assert all("fault cases run only in process" in c["error"] for c in document["cases"])


def test_baseline_marks_a_regression(scaffold_cli: Cli, eval_project: Path, tmp_path: Path) -> None:
    code, document = eval_json(scaffold_cli, "smoke", "--project", str(eval_project))
    assert code == 0
    baseline = tmp_path / "baseline.json"
    for case in document["cases"]:
        if case["name"] == "smoke/conversation":
            case["total_tokens"] -= 10  # the baseline used fewer tokens than today
    baseline.write_text(json.dumps(document), encoding="utf-8")
    unchanged = tmp_path / "unchanged.json"
    unchanged.write_text(
        json.dumps(eval_json(scaffold_cli, "smoke", "--project", str(eval_project))[1]), encoding="utf-8"
    )

    regressed = scaffold_cli(["eval", "smoke", "--project", str(eval_project), "--baseline", str(baseline)])
    same = scaffold_cli(["eval", "smoke", "--project", str(eval_project), "--baseline", str(unchanged)])

    assert regressed.exit_code == 1
    tokens_before = next(c["total_tokens"] for c in document["cases"] if c["name"] == "smoke/conversation")
    assert f"smoke/conversation: tokens {tokens_before} -> {tokens_before + 10}" in regressed.stdout
    assert "Regressions against the baseline:" in regressed.stdout
    assert same.exit_code == 0, same.stdout
    assert "smoke/conversation: tokens" not in same.stdout


def test_baseline_marks_a_case_that_stopped_passing(
    scaffold_cli: Cli, eval_project: Path, tmp_path: Path
) -> None:
    wrong = calculator_case(tmp_path / "smoke.yaml", "calculator", '{contains: "43"}')
    baseline = tmp_path / "baseline.json"
    baseline.write_text(
        json.dumps(
            {
                "summary": {"pass_rate": 1.0},
                "cases": [
                    {"name": "smoke/calculator", "status": "pass", "total_tokens": 1000, "latency_ms": 1e6}
                ],
            }
        ),
        encoding="utf-8",
    )

    code, document = eval_json(
        scaffold_cli, str(wrong), "--project", str(eval_project), "--baseline", str(baseline)
    )

    assert code == 1
    kinds = {(r["case"], r["what"]) for r in document["regressions"]}
    assert kinds == {("smoke/calculator", "status"), ("(all)", "pass rate")}


def test_the_junit_file_parses(scaffold_cli: Cli, eval_project: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "mixed.yaml"
    wrong.write_text(
        "cases:\n"
        '  - {name: echo, input: "Hello", expect: {output: {equals: "You said: Hello"}}}\n'
        '  - {name: broken, input: "Hello", expect: {output: {equals: "Bye"}}}\n'
        '  - {name: judged, input: "Hello", expect: {judge: "Friendly."}}\n',
        encoding="utf-8",
    )
    junit = tmp_path / "reports" / "evals.xml"

    result = scaffold_cli(["eval", str(wrong), "--project", str(eval_project), "--junit", str(junit)])

    assert result.exit_code == 1
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "0")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"echo", "broken", "judged"}
    failure = cases["broken"].find("failure")
    assert failure is not None and "- expected: 'Bye'" in (failure.text or "")
    assert cases["echo"].find("failure") is None
    assert "not run (offline)" in (cases["judged"].findtext("system-out") or "")


def test_a_bad_set_is_a_one_line_error(scaffold_cli: Cli, eval_project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases:\n  - {name: a, input: hi, expect: {tools: {order: random}}}\n", encoding="utf-8")

    result = scaffold_cli(["eval", str(bad), "--project", str(eval_project)])

    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {bad}, case 'a', key 'expect.tools.order': expected 'strict' or 'any', got 'random'."
    )


def test_no_server_is_one_line_not_a_table_of_errors(scaffold_cli: Cli, eval_project: Path) -> None:
    from tests.support.servers import free_port

    port = free_port()
    result = scaffold_cli(["eval", "smoke", "--project", str(eval_project), "--url", f":{port}"])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        f"Error: Could not connect to http://127.0.0.1:{port}/invocations: is the server running? "
        "(scaffold serve --target agentcore)"
    )


def test_a_broken_project_is_one_line_naming_file_and_line(scaffold_cli: Cli, project_copy: Path) -> None:
    """The core is imported into scaffold's process: a broken settings.py is worded as `scaffold serve`
    words it (issue 11), not a traceback through importlib."""
    settings = project_copy / PACKAGE / "settings.py"
    settings.write_text(settings.read_text(encoding="utf-8") + "DEFAULT_MODEL_ID = (\n", encoding="utf-8")
    line = len(settings.read_text(encoding="utf-8").splitlines())

    result = scaffold_cli(["eval", "smoke", "--project", str(project_copy)])

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: the project failed to start: SyntaxError: '(' was never closed "
        f"({PACKAGE}/settings.py:{line})."
    )
