"""The agent's own metrics: one CloudWatch Embedded Metric Format line per request, on when deployed
(``AGENT_METRICS=emf``), off locally. Requests go through the real Lambda handler and a real ``AgentCore``
on the offline model, whose tool raises."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from agent_scaffold_runtime.config_check import ConfigurationError, check_configuration
from agent_scaffold_runtime.lambda_adapter import create_handler
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.telemetry.metrics import MetricsConfig

EVENT = Path(__file__).parent.parent / "events" / "function_url.json"

# The EMF specification's structure (CloudWatch_Embedded_Metric_Format_Specification): an ``_aws`` member
# with a millisecond timestamp and metric directives naming a namespace, dimension sets and metrics.
EMF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["_aws"],
    "properties": {
        "_aws": {
            "type": "object",
            "required": ["Timestamp", "CloudWatchMetrics"],
            "properties": {
                "Timestamp": {"type": "integer", "minimum": 0},
                "CloudWatchMetrics": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["Namespace", "Dimensions", "Metrics"],
                        "properties": {
                            "Namespace": {"type": "string", "minLength": 1, "maxLength": 1024},
                            "Dimensions": {
                                "type": "array",
                                "items": {
                                    "type": "array",
                                    "maxItems": 30,
                                    "items": {"type": "string", "minLength": 1, "maxLength": 250},
                                },
                            },
                            "Metrics": {
                                "type": "array",
                                "maxItems": 100,
                                "items": {
                                    "type": "object",
                                    "required": ["Name"],
                                    "properties": {
                                        "Name": {"type": "string", "minLength": 1, "maxLength": 1024},
                                        "Unit": {"type": "string"},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        }
    },
}


@pytest.fixture(autouse=True)
def deployed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AGENT_METRICS", "AGENT_ENVIRONMENT", "POWERTOOLS_METRICS_DISABLED", "POWERTOOLS_DEV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AGENT_SERVICE_NAME", "demo-agent")
    monkeypatch.setenv("AGENT_MEMORY", "none")


def invoke(module: str, prompt: str | None, *, body: str | None = None) -> dict[str, Any]:
    handler = create_handler(AgentRef(module))
    event = copy.deepcopy(json.loads(EVENT.read_text()))
    event["body"] = body if body is not None else json.dumps({"prompt": prompt})
    event["isBase64Encoded"] = False
    response: dict[str, Any] = handler(event, None)
    return response


def emf_lines(out: str) -> list[dict[str, Any]]:
    documents = []
    for line in out.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            documents.append(json.loads(line))
    return documents


def test_a_request_with_a_failing_tool_prints_one_emf_line_with_its_values(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGENT_METRICS", "emf")
    monkeypatch.setenv("AGENT_ENVIRONMENT", "prod")

    response = invoke("tests.telemetry.metrics_core", "weather city=Paris")

    assert response["statusCode"] == 200
    reply = json.loads(response["body"])
    assert "weather tool returned" in reply["text"] and "service is down" in reply["text"]
    (document,) = emf_lines(capsys.readouterr().out)
    jsonschema.validate(document, EMF_SCHEMA)
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "AgentScaffold"
    assert [sorted(keys) for keys in directive["Dimensions"]] == [["environment", "service"]]
    assert (document["service"], document["environment"]) == ("demo-agent", "prod")
    units = {metric["Name"]: metric.get("Unit") for metric in directive["Metrics"]}
    assert units["Latency"] == "Milliseconds" and units["ToolErrors"] == "Count"
    for name in units:  # every metric the directive names has its value at the top level
        assert name in document, name

    def value(name: str) -> float:
        found = document[name]
        return float(found[0] if isinstance(found, list) else found)

    assert value("ToolErrors") == 1
    assert value("ToolCalls") == 1
    assert value("Requests") == 1 and value("Errors") == 0
    usage = reply["usage"]
    assert value("InputTokens") == usage["input_tokens"] > 0
    assert value("OutputTokens") == usage["output_tokens"] > 0
    assert value("TotalTokens") == usage["total_tokens"]
    assert value("Latency") > 0
    assert (document["target"], document["status"]) == ("lambda", 200)


def test_a_tool_that_works_counts_no_tool_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGENT_METRICS", "emf")
    assert invoke("tests.support.demo_core", "calculator expression=6*7")["statusCode"] == 200
    (document,) = emf_lines(capsys.readouterr().out)
    assert document["ToolErrors"] in (0, [0], [0.0], 0.0)
    assert document["ToolCalls"] in ([1.0], [1], 1)
    assert document["environment"] == "local"  # AGENT_ENVIRONMENT unset: not deployed


def test_a_failed_request_counts_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGENT_METRICS", "emf")
    assert invoke("tests.support.demo_core", "fail-before now")["statusCode"] == 500
    (document,) = emf_lines(capsys.readouterr().out)
    assert document["Errors"] in ([1.0], [1], 1)
    assert (document["status"], document["error_code"]) == (500, "agent_error")


def test_off_by_default_so_a_local_run_prints_no_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    assert invoke("tests.telemetry.metrics_core", "weather city=Paris")["statusCode"] == 200
    assert emf_lines(capsys.readouterr().out) == []


def test_requests_refused_before_the_agent_ran_have_no_metrics(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGENT_METRICS", "emf")
    assert invoke("tests.support.demo_core", None, body="{not json")["statusCode"] == 400
    assert emf_lines(capsys.readouterr().out) == []


def test_an_unknown_mode_stops_the_start_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_METRICS", "cloudwatch")
    with pytest.raises(ConfigurationError, match="AGENT_METRICS must be one of none, emf"):
        check_configuration({})


def test_config_reads_the_dimensions_from_the_environment() -> None:
    config = MetricsConfig.from_env(
        {"AGENT_METRICS": "EMF", "AGENT_SERVICE_NAME": "travel", "AGENT_ENVIRONMENT": "staging"}
    )
    assert (config.enabled, config.service, config.environment) == (True, "travel", "staging")
    assert MetricsConfig.from_env({}, defaults={"service_name": "mine"}).service == "mine"
    assert not MetricsConfig.from_env({}).enabled
