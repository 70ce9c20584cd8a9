"""The AgentCore target end to end through the CLI against moto: runtime (direct code deploy) with its role,
code in S3, env, lifecycle and JWT authorizer from the answers; AgentCore Memory when memory=agentcore; the
live endpoint; no-change redeploy; a code change; destroy."""

from __future__ import annotations

import json

from scaffold.deploy.state import state_path

from .conftest import run_cli
from .sequences import AGENTCORE_FIRST

FIRST_DEPLOY = AGENTCORE_FIRST
JWT = (
    "auth=jwt",
    "jwt_discovery_url=https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool/.well-known/openid-configuration",
    "jwt_allowed_clients=client-a,client-b",
    "jwt_allowed_audiences=aud-1",
    "memory=agentcore",
)


def deploy(project, moto, *extra):
    return run_cli(
        ["deploy", "--target", "agentcore", "--project", str(project.root), *moto.cli_args, *extra]
    )


def test_deploy_no_change_code_change_destroy(project, moto, artifact, calls):
    before = moto.inventory()
    first = deploy(project, moto, "--json")
    assert first.exit_code == 0, first.output
    assert calls.mutating == FIRST_DEPLOY
    outputs = json.loads(first.stdout)["outputs"]

    control = moto.client("bedrock-agentcore-control")
    runtime = control.get_agent_runtime(agentRuntimeId=outputs["runtime_id"])
    assert runtime["agentRuntimeName"] == "demo_agent"
    assert runtime["status"] == "READY"
    code = runtime["agentRuntimeArtifact"]["codeConfiguration"]
    assert code["entryPoint"] == ["agentcore_main.py"] and code["runtime"] == "PYTHON_3_12"
    bucket, key = code["code"]["s3"]["bucket"], code["code"]["s3"]["prefix"]
    assert key == f"demo-agent/agentcore/{artifact.last_sha256}.zip"
    assert moto.client("s3").head_object(Bucket=bucket, Key=key)["ContentLength"] > 0
    assert runtime["lifecycleConfiguration"] == {"idleRuntimeSessionTimeout": 900, "maxLifetime": 28800}
    assert runtime["environmentVariables"]["AGENT_RUNTIME"] == "agentcore"
    assert runtime["environmentVariables"]["AGENT_MEMORY"] == "file"
    assert "authorizerConfiguration" not in runtime  # auth=none: SigV4, AgentCore's default
    endpoint = control.get_agent_runtime_endpoint(agentRuntimeId=outputs["runtime_id"], endpointName="live")
    assert endpoint["targetVersion"] == runtime["agentRuntimeVersion"] == "1"
    groups = moto.client("logs").describe_log_groups()["logGroups"]
    assert [group["logGroupName"] for group in groups] == [
        f"/aws/bedrock-agentcore/runtimes/{outputs['runtime_id']}-live"
    ]

    calls.clear()
    assert deploy(project, moto).exit_code == 0
    assert calls.mutating == []

    artifact.code = "v2"
    calls.clear()
    changed = deploy(project, moto, "--json")
    assert changed.exit_code == 0, changed.output
    assert calls.mutating == ["PutObject", "UpdateAgentRuntime", "UpdateAgentRuntimeEndpoint"]
    runtime = control.get_agent_runtime(agentRuntimeId=outputs["runtime_id"])
    assert runtime["agentRuntimeVersion"] == "2"
    endpoint = control.get_agent_runtime_endpoint(agentRuntimeId=outputs["runtime_id"], endpointName="live")
    assert endpoint["targetVersion"] == "2"

    status = run_cli(["status", "-t", "agentcore", "--project", str(project.root), *moto.cli_args, "--json"])
    assert status.exit_code == 0 and json.loads(status.stdout)["in_sync"]

    gone = run_cli(["destroy", "-t", "agentcore", "--project", str(project.root), *moto.cli_args, "--yes"])
    assert gone.exit_code == 0, gone.output
    assert moto.inventory() == before
    assert not state_path(project.root, "agentcore").exists()


def test_jwt_authorizer_and_memory_come_from_the_answers(make_project, moto, artifact, calls):
    project = make_project(*JWT)
    result = deploy(project, moto, "--json")
    assert result.exit_code == 0, result.output
    assert calls.mutating[0] == "CreateMemory", "the memory exists before the role and runtime that use it"
    outputs = json.loads(result.stdout)["outputs"]
    control = moto.client("bedrock-agentcore-control")
    runtime = control.get_agent_runtime(agentRuntimeId=outputs["runtime_id"])
    assert runtime["authorizerConfiguration"] == {
        "customJWTAuthorizer": {
            "discoveryUrl": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool/.well-known/openid-configuration",
            "allowedAudience": ["aud-1"],
            "allowedClients": ["client-a", "client-b"],
        }
    }
    assert runtime["requestHeaderConfiguration"] == {"requestHeaderAllowlist": ["Authorization"]}
    env = runtime["environmentVariables"]
    assert env["AGENT_AUTH"] == "jwt" and env["AGENT_JWT_ALLOWED_CLIENTS"] == "client-a,client-b"
    assert env["AGENT_MEMORY"] == "agentcore"
    memory = control.get_memory(memoryId=env["AGENT_MEMORY_ID"])["memory"]
    assert memory["name"] == "demo_agent_memory" and memory["status"] == "ACTIVE"
    assert outputs["memory_id"] == memory["id"]
    tags = control.list_tags_for_resource(resourceArn=memory["arn"])["tags"]
    assert tags["agent-scaffold:project"] == "demo-agent"

    calls.clear()
    assert deploy(project, moto).exit_code == 0
    assert calls.mutating == []

    gone = run_cli(["destroy", "-t", "agentcore", "--project", str(project.root), *moto.cli_args, "--yes"])
    assert gone.exit_code == 0, gone.output
    assert control.list_memories()["memories"] == []


def test_a_memory_the_project_names_is_used_not_created_nor_destroyed(make_project, moto, artifact, calls):
    control = moto.client("bedrock-agentcore-control")
    theirs = control.create_memory(name="team_memory", eventExpiryDuration=30)["memory"]
    project = make_project("memory=agentcore", f"memory_id={theirs['id']}")
    result = deploy(project, moto, "--json")
    assert result.exit_code == 0, result.output
    assert "CreateMemory" not in calls.mutating
    runtime_id = json.loads(result.stdout)["outputs"]["runtime_id"]
    env = control.get_agent_runtime(agentRuntimeId=runtime_id)["environmentVariables"]
    assert env["AGENT_MEMORY_ID"] == theirs["id"]
    assert (
        run_cli(
            ["destroy", "-t", "agentcore", "--project", str(project.root), *moto.cli_args, "-y"]
        ).exit_code
        == 0
    )
    assert [memory["id"] for memory in control.list_memories()["memories"]] == [theirs["id"]]
