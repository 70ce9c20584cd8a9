"""IAM guardrails in deploy, against moto: every role a deploy creates has the environment's permissions
boundary, path, name prefix and required tags, as IAM's GetRole reports them; a changed boundary or tag is
updated in place, a new prefix or path replaces the role (the old one deleted); an organisation layer's
forced guardrails apply when the environment says nothing, and an environment that contradicts them is
refused with one line, exit code 2, before any AWS call."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from scaffold.deploy.state import state_path
from scaffold.errors import ExitCode

from .conftest import run_cli

# The fastapi test's helpers, and its fixture teaching moto how AWS reports List<...> parameters (autouse,
# so it applies here too; it only changes how moto renders a parameter value).
from .test_fastapi_lifecycle import (  # noqa: F401
    IMAGE,
    STACK,
    configure,
    make_network,
    moto_reports_list_parameters_as_aws_does,
    parameters,
    push_image,
)

ACCOUNT = "123456789012"
DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def boundary(moto: Any, name: str) -> str:
    """A managed policy to use as a boundary (IAM refuses a boundary that does not exist)."""
    return moto.client("iam").create_policy(PolicyName=name, PolicyDocument=DOCUMENT)["Policy"]["Arn"]


def environments(project: Any, iam: str) -> None:
    (project.root / "environments.toml").write_text(f'[environments.dev]\nregion = "us-east-1"\n{iam}')


def dev_iam(project: Any, permissions_boundary: str, *, path: str, prefix: str, cost_center: str) -> None:
    """The dev environment with all four guardrails: a boundary, a role path, a name prefix, one tag."""
    environments(
        project,
        f'[environments.dev.iam]\npermissions_boundary = "{permissions_boundary}"\nrole_path = "{path}"\n'
        f'role_name_prefix = "{prefix}"\nrequired_tags = {{ CostCenter = "{cost_center}" }}\n',
    )


def function_role(moto: Any) -> str:
    """The role the deployed function runs as, as Lambda reports it."""
    return moto.client("lambda").get_function_configuration(FunctionName="demo-agent")["Role"]


def force(project: Any, iam: dict[str, Any], layer: str = "acme-agents") -> None:
    """Record forced guardrails as a project generated from an organisation layer records them."""
    path: Path = project.root / ".copier-answers.yml"
    answers = yaml.safe_load(path.read_text())
    answers["_scaffold_layer"] = {"name": layer, "source": "/layers/acme", "iam": iam}
    path.write_text(yaml.safe_dump(answers))


def run(command: str, target: str, project: Any, moto: Any, *extra: str) -> Any:
    return run_cli([command, "--target", target, "--project", str(project.root), *moto.cli_args, *extra])


def get_role(moto: Any, name: str) -> dict[str, Any]:
    return moto.client("iam").get_role(RoleName=name)["Role"]


def tags(role: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in role.get("Tags", [])}


def test_lambda_role_gets_the_environments_guardrails_and_follows_their_changes(
    project, moto, artifact, calls
):
    first_boundary, second_boundary = boundary(moto, "AgentBoundary"), boundary(moto, "StricterBoundary")
    dev_iam(project, first_boundary, path="/agents/", prefix="acme-", cost_center="ai-42")
    first = run("deploy", "lambda", project, moto, "--yes")
    assert first.exit_code == 0, first.output
    role = get_role(moto, "acme-scaffold-demo-agent-lambda")
    assert role["Path"] == "/agents/"
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/agents/acme-scaffold-demo-agent-lambda"
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == first_boundary
    assert tags(role)["CostCenter"] == "ai-42" and tags(role)["agent-scaffold:project"] == "demo-agent"
    assert function_role(moto) == role["Arn"]

    calls.clear()
    again = run("deploy", "lambda", project, moto, "--yes")
    assert again.exit_code == 0, again.output
    assert calls.mutating == []  # the guardrails as AWS reports them match: nothing to write

    # A changed boundary and tag value: updated in place, the same role.
    dev_iam(project, second_boundary, path="/agents/", prefix="acme-", cost_center="ai-43")
    calls.clear()
    changed = run("deploy", "lambda", project, moto, "--yes")
    assert changed.exit_code == 0, changed.output
    assert calls.mutating == ["PutRolePermissionsBoundary", "TagRole"]
    role = get_role(moto, "acme-scaffold-demo-agent-lambda")
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == second_boundary
    assert tags(role)["CostCenter"] == "ai-43"

    # A new prefix and path: a new role, the function moved onto it, the old role deleted.
    dev_iam(project, second_boundary, path="/platform/", prefix="corp-", cost_center="ai-43")
    renamed = run("deploy", "lambda", project, moto, "--yes")
    assert renamed.exit_code == 0, renamed.output
    assert moto.inventory()["roles"] == ["corp-scaffold-demo-agent-lambda"]
    role = get_role(moto, "corp-scaffold-demo-agent-lambda")
    assert role["Path"] == "/platform/"
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == second_boundary
    assert function_role(moto) == role["Arn"]
    state = json.loads(state_path(project.root, "lambda").read_text())
    assert [key for key in state["resources"] if key.startswith("role")] == ["role"]

    # Only the path changes: the role is replaced under the same name.
    dev_iam(project, second_boundary, path="/", prefix="corp-", cost_center="ai-43")
    moved = run("deploy", "lambda", project, moto, "--yes")
    assert moved.exit_code == 0, moved.output
    role = get_role(moto, "corp-scaffold-demo-agent-lambda")
    assert role["Path"] == "/" and role["Arn"].endswith(":role/corp-scaffold-demo-agent-lambda")
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == second_boundary
    assert function_role(moto) == role["Arn"]

    gone = run("destroy", "lambda", project, moto, "--yes")
    assert gone.exit_code == 0, gone.output
    assert moto.inventory()["roles"] == []


def test_a_layers_forced_boundary_is_on_the_agentcore_role(project, moto, artifact):
    forced = boundary(moto, "AcmeBoundary")
    force(
        project,
        {"permissions_boundary": forced, "role_name_prefix": "acme-", "required_tags": {"Org": "acme"}},
    )
    deployed = run("deploy", "agentcore", project, moto, "--yes")
    assert deployed.exit_code == 0, deployed.output
    role = get_role(moto, "acme-scaffold-demo-agent-agentcore")
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == forced
    assert tags(role)["Org"] == "acme"
    runtime_id = json.loads(run("status", "agentcore", project, moto, "--json").stdout)["outputs"][
        "runtime_id"
    ]
    runtime = moto.client("bedrock-agentcore-control").get_agent_runtime(agentRuntimeId=runtime_id)
    assert runtime["roleArn"] == role["Arn"]


def test_a_layers_forced_guardrails_are_on_every_role_of_both_targets(project, moto, artifact):
    forced = boundary(moto, "AcmeBoundary")
    force(project, {"permissions_boundary": forced, "role_path": "/acme/"})
    environments(project, '[environments.dev.iam]\nrequired_tags = { Team = "agents" }\n')  # its own: kept
    for target in ("lambda", "agentcore"):
        result = run("deploy", target, project, moto, "--yes")
        assert result.exit_code == 0, result.output
    iam = moto.client("iam")
    listed = iam.list_roles()["Roles"]
    assert sorted(role["RoleName"] for role in listed) == [
        "scaffold-demo-agent-agentcore",
        "scaffold-demo-agent-lambda",
    ]
    for listed_role in listed:
        role = get_role(moto, listed_role["RoleName"])
        assert role["Path"] == "/acme/"
        assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == forced
        assert tags(role)["Team"] == "agents"


def test_an_environment_that_drops_a_forced_boundary_is_refused_before_any_aws_call(
    project, moto, artifact, calls
):
    force(project, {"permissions_boundary": f"arn:aws:iam::{ACCOUNT}:policy/AcmeBoundary"})
    environments(project, '[environments.dev.iam]\npermissions_boundary = ""\n')
    for command in (["deploy", "--yes"], ["deploy", "--plan"]):
        result = run(command[0], "lambda", project, moto, *command[1:])
        assert result.exit_code == ExitCode.BAD_INPUT, result.output
        lines = result.output.strip().splitlines()
        assert lines[-1].startswith("Error: ") and "environments.dev.iam.permissions_boundary" in lines[-1]
        assert "organisation layer acme-agents" in lines[-1] and "Traceback" not in result.output
    assert calls.made == []
    assert artifact.builds == []
    assert not state_path(project.root, "lambda").exists()


def test_an_environment_that_drops_or_changes_a_forced_tag_or_prefix_is_refused(
    project, moto, artifact, calls
):
    force(project, {"role_name_prefix": "acme-", "required_tags": {"CostCenter": "ai-42", "Org": "acme"}})
    cases = {
        'required_tags = { CostCenter = "ai-42" }': "environments.dev.iam.required_tags.Org is missing",
        'required_tags = { CostCenter = "ai-1", Org = "acme" }': "iam.required_tags.CostCenter is 'ai-1'",
        'role_name_prefix = "mine-"': "environments.dev.iam.role_name_prefix is 'mine-'",
    }
    for setting, named in cases.items():
        environments(project, f"[environments.dev.iam]\n{setting}\n")
        result = run("deploy", "lambda", project, moto, "--yes")
        assert result.exit_code == ExitCode.BAD_INPUT, result.output
        assert named in result.output and "acme-agents" in result.output
    assert calls.made == []
    # The same values as the layer's, and tags of its own on top, are accepted.
    environments(
        project,
        '[environments.dev.iam]\nrole_name_prefix = "acme-"\n'
        'required_tags = { CostCenter = "ai-42", Org = "acme", Team = "x" }\n',
    )
    result = run("deploy", "lambda", project, moto, "--yes")
    assert result.exit_code == 0, result.output
    assert tags(get_role(moto, "acme-scaffold-demo-agent-lambda"))["Team"] == "x"


def test_export_with_an_environment_that_drops_a_forced_boundary_is_refused(project, artifact):
    force(project, {"permissions_boundary": f"arn:aws:iam::{ACCOUNT}:policy/AcmeBoundary"})
    environments(project, '[environments.dev.iam]\npermissions_boundary = ""\n')
    out = project.root / "exported"
    result = run_cli(
        ["package", "-t", "lambda", "-f", "cloudformation", "--env", "dev", "--project", str(project.root),
         "--out", str(out)]
    )  # fmt: skip
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "environments.dev.iam.permissions_boundary" in result.output and "acme-agents" in result.output
    assert not out.exists()


def test_fastapi_stack_roles_get_the_guardrails_through_the_template_parameters(project, moto, calls):
    forced = boundary(moto, "AcmeBoundary")
    force(project, {"permissions_boundary": forced})
    environments(
        project, '[environments.dev.iam]\nrole_path = "/agents/"\nrole_name_prefix = "acme-"\n'
        'required_tags = { CostCenter = "ai-42" }\n',
    )  # fmt: skip
    push_image(moto, "agent", "abc")
    configure(project, image=IMAGE, **make_network(moto).settings())
    first = run("deploy", "fastapi", project, moto, "--yes")
    assert first.exit_code == 0, first.output
    stack = moto.client("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]
    given = parameters(stack)
    assert (given["PermissionsBoundaryArn"], given["RolePath"], given["RoleNamePrefix"]) == (
        forced,
        "/agents/",
        "acme-",
    )
    names = sorted(role["RoleName"] for role in moto.client("iam").list_roles()["Roles"])
    assert names == ["acme-demo-agent-dev-fastapi-ExecutionRole", "acme-demo-agent-dev-fastapi-TaskRole"]
    for name in names:
        role = get_role(moto, name)
        assert role["Path"] == "/agents/"
        assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == forced
        assert tags(role)["CostCenter"] == "ai-42"
    calls.clear()
    again = run("deploy", "fastapi", project, moto, "--yes", "--json")
    assert again.exit_code == 0, again.output
    steps = json.loads(again.stdout)["plan"]["steps"]
    assert {step["action"] for step in steps} == {"unchanged"}, again.stdout
    assert [op for _, op in calls.made if op in ("CreateStack", "CreateChangeSet")] == []
