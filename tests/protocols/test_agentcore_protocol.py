"""The runtime's protocol, from answer to AWS: deploy against moto sets ``protocolConfiguration``, the
exported CloudFormation carries it and passes cfn-lint, and the container and code zip start that protocol's
server on its contract port."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint
from cfnlint.config import ManualArgs

from scaffold.errors import BadInput
from scaffold.iac.cloudformation import export
from scaffold.packaging.dockerfiles import render
from scaffold.packaging.targets import PACKAGE_TARGETS
from scaffold.project import Project
from scaffold.protocols import agentcore_protocol
from tests.deploy.conftest import run_cli
from tests.iac.support import artifact_for
from tests.iac.support import make_project as iac_project

CASES = {"http": ("HTTP", 8080), "mcp": ("MCP", 8000), "a2a": ("A2A", 9000), "agui": ("AGUI", 8080)}
APPS = {
    "http": "agentcore_app:app",
    "mcp": "mcp_server:app",
    "a2a": "a2a_server:app",
    "agui": "agui_app:app",
}


def answers(protocol: str) -> dict[str, Any]:
    return {"protocols": ["mcp", "a2a", "agui"], "agentcore_protocol": protocol}


def packaged_project(protocol: str, telemetry: str = "none") -> Project:
    return Project(
        root=Path("/nowhere/demo-agent"),
        project_name="demo-agent",
        package_name="demo_agent",
        targets=("agentcore",),
        answers={"telemetry": telemetry, "python_version": "3.12", **answers(protocol)},
    )


@pytest.mark.parametrize("protocol", sorted(CASES))
def test_deploy_against_moto_sets_the_protocol_configuration(
    protocol: str, make_project: Any, moto: Any, artifact: Any
) -> None:
    project = make_project("protocols=[mcp,a2a,agui]", f"agentcore_protocol={protocol}")
    result = run_cli(
        ["deploy", "--target", "agentcore", "--project", str(project.root), *moto.cli_args, "--json"]
    )
    assert result.exit_code == 0, result.output
    runtime_id = json.loads(result.stdout)["outputs"]["runtime_id"]
    runtime = moto.client("bedrock-agentcore-control").get_agent_runtime(agentRuntimeId=runtime_id)
    assert runtime["protocolConfiguration"] == {"serverProtocol": CASES[protocol][0]}


@pytest.mark.parametrize("protocol", sorted(CASES))
def test_exported_cloudformation_carries_it_and_passes_cfn_lint(protocol: str, tmp_path: Path) -> None:
    export(iac_project(answers(protocol)), "agentcore", tmp_path, artifact_for("agentcore"))
    path = tmp_path / "demo-agent-agentcore.template.json"
    runtime = json.loads(path.read_text())["Resources"]["Runtime"]["Properties"]
    assert runtime["ProtocolConfiguration"] == CASES[protocol][0]
    findings = lint(path.read_text(), config=ManualArgs(regions=["us-east-1"], include_checks=["I"]))
    assert [f"{m.rule.id} {m.message}" for m in findings] == []


@pytest.mark.parametrize("protocol", sorted(CASES))
def test_container_and_zip_start_the_protocol_server_on_its_port(protocol: str) -> None:
    port = CASES[protocol][1]
    module = f"demo_agent.entrypoints.{APPS[protocol]}"
    dockerfile = render(packaged_project(protocol), "agentcore", "3.12", "linux/arm64")
    assert f"EXPOSE {port}\n" in dockerfile
    assert f'CMD ["uvicorn", "{module}", "--host", "0.0.0.0", "--port", "{port}"]' in dockerfile
    core = PACKAGE_TARGETS["agentcore"]
    assert core.launcher is not None
    launcher = core.launcher(packaged_project(protocol))
    assert launcher is not None and launcher.name == "agentcore_main.py"
    compile(launcher.text, launcher.name, "exec")
    name, attribute = module.split(":")
    assert f"from {name} import {attribute}" in launcher.text
    assert f'host="0.0.0.0", port={port})' in launcher.text


def test_a_protocol_the_project_lacks_is_refused_with_the_fix() -> None:
    project = packaged_project("mcp")
    root = project.root
    lacking = Project(root, "demo-agent", "demo_agent", ("agentcore",), answers={"agentcore_protocol": "mcp"})
    unknown = Project(root, "demo-agent", "demo_agent", (), answers={"agentcore_protocol": "smtp"})
    assert agentcore_protocol(project).server_protocol == "MCP"
    with pytest.raises(BadInput, match=r"scaffold configure protocols='\[mcp\]'"):
        agentcore_protocol(lacking)
    with pytest.raises(BadInput, match="must be one of"):
        agentcore_protocol(unknown)
