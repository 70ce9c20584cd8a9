"""A failure at each mutating step of a first deploy, in turn, then a rerun: it resumes where the failure
left off (no completed call is repeated), converges to the same end state as an uninterrupted deploy, and
leaves no duplicate resource.

Two kinds of failure, injected through botocore's event hooks on the deployer's own clients:

* ``before``: AWS refuses the call (an API error): the step did not happen; the run stops with exit 1 and
  records every earlier step.
* ``after``: AWS did the call, then the process died before recording it (a ``BaseException`` raised on
  ``after-call`` that nothing catches). The rerun must find what was made, by name and by our tags, and
  adopt it instead of making a second one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scaffold.deploy.engine import deploy
from scaffold.deploy.errors import DeployFailed
from scaffold.deploy.progress import Progress
from scaffold.deploy.state import load_state

from .conftest import SimulatedCrash
from .sequences import AGENTCORE_FIRST, HTTP_API_FRONTEND, LAMBDA_ALARMS, LAMBDA_FIRST

LAMBDA_JWT = (
    "auth=jwt",
    "jwt_discovery_url=https://issuer.example.com/.well-known/openid-configuration",
    "jwt_allowed_clients=client-a",
)
ALARM_KEYS = {"alarm_errors", "alarm_throttles", "alarm_latency_p90", "alarm_tool_errors", "alarm_tokens"}


@dataclass(frozen=True)
class Scenario:
    target: str
    answers: tuple[str, ...]
    sequence: list[str]
    settings: str = ""  # [tool.scaffold.deploy.<target>] lines


SCENARIOS = {
    "lambda": Scenario(
        "lambda",
        LAMBDA_JWT,
        [*LAMBDA_FIRST, "CreateFunctionUrlConfig", "AddPermission", "AddPermission", *LAMBDA_ALARMS],
    ),
    "lambda_http_api": Scenario(
        "lambda",
        LAMBDA_JWT,
        [*LAMBDA_FIRST, *HTTP_API_FRONTEND, *LAMBDA_ALARMS],
        settings='frontend = "http_api"',
    ),
    "agentcore": Scenario(
        "agentcore",
        ("memory=agentcore",),
        ["CreateMemory", *AGENTCORE_FIRST],
    ),
}
CASES = [
    pytest.param(name, nth, mode, id=f"{name}-{nth:02d}-{operation}-{mode}")
    for name, scenario in SCENARIOS.items()
    for nth, operation in enumerate(scenario.sequence, start=1)
    for mode in ("before", "after")
]
QUIET = Progress(quiet=True)


def prepared(make_project, scenario):
    project = make_project(*scenario.answers)
    if scenario.settings:
        pyproject = project.root / "pyproject.toml"
        table = f"\n[tool.scaffold.deploy.{scenario.target}]\n{scenario.settings}\n"
        pyproject.write_text(pyproject.read_text() + table)
    return project


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_first_deploy_makes_exactly_these_calls(name, make_project, moto, artifact, calls):
    scenario = SCENARIOS[name]
    deploy(prepared(make_project, scenario), scenario.target, moto.options, progress=QUIET)
    assert calls.mutating == scenario.sequence


@pytest.mark.parametrize(("name", "nth", "mode"), CASES)
def test_a_rerun_after_a_failure_resumes_and_converges(
    name, nth, mode, make_project, moto, artifact, calls, fail_at
):
    scenario = SCENARIOS[name]
    target, sequence = scenario.target, scenario.sequence
    project = prepared(make_project, scenario)

    with fail_at(nth, mode) as failure, pytest.raises((DeployFailed, SimulatedCrash)):
        deploy(project, target, moto.options, progress=QUIET)
    assert failure.failed == sequence[nth - 1]
    state = load_state(project.root, target)
    assert state is not None, "the state file exists from the first step on"
    if mode == "before":
        assert state.deployment["status"] == "failed"
        assert "injected failure" in state.deployment["error"]

    calls.clear()
    outcome = deploy(project, target, moto.options, progress=QUIET)
    resumed_from = nth - 1 if mode == "before" else nth
    assert calls.mutating == sequence[resumed_from:], "completed steps are not repeated"
    assert outcome.applied

    _assert_converged(project, name, moto)
    calls.clear()
    deploy(project, target, moto.options, progress=QUIET)
    assert calls.mutating == [], "after converging, a redeploy changes nothing"


def _assert_converged(project, name, moto):
    target = SCENARIOS[name].target
    inventory = moto.inventory()
    assert inventory["roles"] == [f"scaffold-demo-agent-{target}"]
    assert len(inventory["buckets"]) == 1
    assert len(inventory["objects"]) == 1
    assert len(inventory["log_groups"]) == 1
    assert len(inventory["alarms"]) == len(ALARM_KEYS) + (target == "agentcore")
    state = load_state(project.root, target)
    assert state is not None and state.deployment["status"] == "complete"
    CONVERGED[name](project, moto, inventory, state)


def _lambda_common(moto, inventory):
    assert inventory["functions"] == ["demo-agent"]
    lam = moto.client("lambda")
    versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName="demo-agent")["Versions"]]
    assert versions == ["$LATEST", "1"], "no extra version published"
    assert lam.get_alias(FunctionName="demo-agent", Name="live")["FunctionVersion"] == "1"
    return lam.get_policy(FunctionName="demo-agent", Qualifier="live")["Policy"]


def _lambda_converged(project, moto, inventory, state):
    policy = _lambda_common(moto, inventory)
    lam = moto.client("lambda")
    assert lam.get_function_url_config(FunctionName="demo-agent", Qualifier="live")["AuthType"] == "NONE"
    assert policy.count("FunctionURLAllowPublicAccess") == 1
    assert policy.count("FunctionURLInvokeAllowPublicAccess") == 1
    assert set(state.resources) == {
        "role", "log_group", "bucket", "code", "function", "alias", "function_url",
        "url_permission", "url_invoke_permission", *ALARM_KEYS,
    }  # fmt: skip


def _http_api_converged(project, moto, inventory, state):
    policy = _lambda_common(moto, inventory)
    gateway = moto.client("apigatewayv2")
    [api] = gateway.get_apis()["Items"]
    assert len(gateway.get_authorizers(ApiId=api["ApiId"])["Items"]) == 1
    assert len(gateway.get_integrations(ApiId=api["ApiId"])["Items"]) == 1
    routes = sorted(route["RouteKey"] for route in gateway.get_routes(ApiId=api["ApiId"])["Items"])
    assert routes == ["GET /ping", "POST /invocations"]
    assert policy.count("HttpApiInvoke-") == 1
    assert set(state.resources) == {
        "role", "log_group", "bucket", "code", "function", "alias", "http_api", "http_api_permission",
        *ALARM_KEYS,
    }  # fmt: skip


def _agentcore_converged(project, moto, inventory, state):
    assert inventory["runtimes"] == ["demo_agent"]
    assert len(inventory["memories"]) == 1
    control = moto.client("bedrock-agentcore-control")
    runtime_id = state.resources["runtime"]["id"]
    runtime = control.get_agent_runtime(agentRuntimeId=runtime_id)
    assert runtime["agentRuntimeVersion"] == "1", "the runtime was not updated needlessly"
    assert runtime["environmentVariables"]["AGENT_MEMORY_ID"] == inventory["memories"][0]
    endpoints = control.list_agent_runtime_endpoints(agentRuntimeId=runtime_id)["runtimeEndpoints"]
    assert [endpoint["name"] for endpoint in endpoints] == ["live"]
    assert set(state.resources) == {
        "memory", "role", "bucket", "code", "runtime", "endpoint", "log_group", "alarm_user_errors",
        *ALARM_KEYS,
    }  # fmt: skip


CONVERGED = {
    "lambda": _lambda_converged,
    "lambda_http_api": _http_api_converged,
    "agentcore": _agentcore_converged,
}
