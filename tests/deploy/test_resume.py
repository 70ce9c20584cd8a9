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

import pytest

from scaffold.deploy.engine import deploy
from scaffold.deploy.errors import DeployFailed
from scaffold.deploy.progress import Progress
from scaffold.deploy.state import load_state

from .conftest import SimulatedCrash

LAMBDA_JWT = (
    "auth=jwt",
    "jwt_discovery_url=https://issuer.example.com/.well-known/openid-configuration",
    "jwt_allowed_clients=client-a",
)
SCENARIOS = {
    "lambda": (
        LAMBDA_JWT,
        [
            "CreateRole",
            "PutRolePolicy",
            "CreateLogGroup",
            "PutRetentionPolicy",
            "CreateBucket",
            "PutBucketTagging",
            "PutObject",
            "CreateFunction",
            "CreateAlias",
            "CreateFunctionUrlConfig",
            "AddPermission",
            "AddPermission",
        ],
    ),
    "agentcore": (
        ("memory=agentcore",),
        [
            "CreateMemory",
            "CreateRole",
            "PutRolePolicy",
            "CreateBucket",
            "PutBucketTagging",
            "PutObject",
            "CreateAgentRuntime",
            "CreateAgentRuntimeEndpoint",
            "CreateLogGroup",
            "PutRetentionPolicy",
        ],
    ),
}
CASES = [
    pytest.param(target, nth, mode, id=f"{target}-{nth:02d}-{operation}-{mode}")
    for target, (_, sequence) in SCENARIOS.items()
    for nth, operation in enumerate(sequence, start=1)
    for mode in ("before", "after")
]
QUIET = Progress(quiet=True)


@pytest.mark.parametrize("target", list(SCENARIOS))
def test_the_first_deploy_makes_exactly_these_calls(target, make_project, moto, artifact, calls):
    answers, sequence = SCENARIOS[target]
    deploy(make_project(*answers), target, moto.options, progress=QUIET)
    assert calls.mutating == sequence


@pytest.mark.parametrize(("target", "nth", "mode"), CASES)
def test_a_rerun_after_a_failure_resumes_and_converges(
    target, nth, mode, make_project, moto, artifact, calls, fail_at
):
    answers, sequence = SCENARIOS[target]
    project = make_project(*answers)

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

    _assert_converged(project, target, moto)
    calls.clear()
    deploy(project, target, moto.options, progress=QUIET)
    assert calls.mutating == [], "after converging, a redeploy changes nothing"


def _assert_converged(project, target, moto):
    inventory = moto.inventory()
    assert inventory["roles"] == [f"scaffold-demo-agent-{target}"]
    assert len(inventory["buckets"]) == 1
    assert len(inventory["objects"]) == 1
    assert len(inventory["log_groups"]) == 1
    state = load_state(project.root, target)
    assert state is not None and state.deployment["status"] == "complete"
    if target == "lambda":
        assert inventory["functions"] == ["demo-agent"]
        lam = moto.client("lambda")
        versions = [
            v["Version"] for v in lam.list_versions_by_function(FunctionName="demo-agent")["Versions"]
        ]
        assert versions == ["$LATEST", "1"], "no extra version published"
        assert lam.get_alias(FunctionName="demo-agent", Name="live")["FunctionVersion"] == "1"
        assert lam.get_function_url_config(FunctionName="demo-agent", Qualifier="live")["AuthType"] == "NONE"
        policy = lam.get_policy(FunctionName="demo-agent", Qualifier="live")["Policy"]
        assert policy.count("FunctionURLAllowPublicAccess") == 1
        assert policy.count("FunctionURLInvokeAllowPublicAccess") == 1
        assert set(state.resources) == {
            "role", "log_group", "bucket", "code", "function", "alias", "function_url",
            "url_permission", "url_invoke_permission",
        }  # fmt: skip
    else:
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
            "memory",
            "role",
            "bucket",
            "code",
            "runtime",
            "endpoint",
            "log_group",
        }
