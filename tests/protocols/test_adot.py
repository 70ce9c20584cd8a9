"""ADOT on AgentCore: the environment AgentCore's observability expects, set by deploy and the export when
telemetry is on (and only for AgentCore), the distro in the project's dependencies, the container under
``opentelemetry-instrument``, and Strands' spans in the GenAI semantic conventions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import copier

from scaffold.iac.adot import adot_environment
from scaffold.iac.cloudformation import export
from scaffold.packaging.dockerfiles import render
from tests.deploy.conftest import run_cli
from tests.iac.support import artifact_for
from tests.iac.support import make_project as iac_project
from tests.project.conftest import TEMPLATE
from tests.protocols.runtime_extras import runtime_extras
from tests.protocols.test_agentcore_protocol import packaged_project

DOCS = Path(__file__).resolve().parents[2] / "docs" / "telemetry.md"


def documented_environment() -> dict[str, str]:
    """The ADOT variables docs/telemetry.md's table lists, with their values (the per-project service name
    left out): what users are told deploy sets, so the product and the page cannot drift apart."""
    table = DOCS.read_text().split("the environment ADOT needs", 1)[1].split("\n\n")[1]
    rows = re.findall(r"^\| `([A-Z_]+)` \| `([^`<]+)` \|", table, re.M)
    return dict(rows)


ADOT = documented_environment()


def test_the_documented_table_is_the_adot_environment() -> None:
    assert "OTEL_PYTHON_DISTRO" in ADOT and "OTEL_SEMCONV_STABILITY_OPT_IN" in ADOT  # the table was found
    assert adot_environment({"telemetry": "otlp", "project_name": "demo"}) == {
        **ADOT,
        "OTEL_RESOURCE_ATTRIBUTES": "service.name=demo",
    }
    assert adot_environment({"telemetry": "none"}) == {}


def test_deploy_sets_the_adot_environment_only_with_telemetry(
    make_project: Any, moto: Any, artifact: Any
) -> None:
    for telemetry, expected in (("otlp", True), ("none", False)):
        project = make_project(f"telemetry={telemetry}")
        result = run_cli(
            ["deploy", "--target", "agentcore", "--project", str(project.root), *moto.cli_args, "--json"]
        )
        assert result.exit_code == 0, result.output
        runtime_id = json.loads(result.stdout)["outputs"]["runtime_id"]
        runtime = moto.client("bedrock-agentcore-control").get_agent_runtime(agentRuntimeId=runtime_id)
        env = runtime["environmentVariables"]
        assert ({k: env.get(k) for k in ADOT} == ADOT) is expected, env
        if expected:
            assert env["OTEL_RESOURCE_ATTRIBUTES"] == "service.name=demo-agent"


def test_export_carries_it_for_agentcore_only(tmp_path: Path) -> None:
    project = iac_project({"telemetry": "otlp"})
    export(project, "agentcore", tmp_path, artifact_for("agentcore"))
    export(project, "lambda", tmp_path, artifact_for("lambda"))
    core = json.loads((tmp_path / "demo-agent-agentcore.template.json").read_text())
    env = core["Resources"]["Runtime"]["Properties"]["EnvironmentVariables"]
    assert {k: env[k] for k in ADOT} == ADOT
    assert "OTEL_PYTHON_DISTRO" not in (tmp_path / "demo-agent-lambda.template.json").read_text()


def test_the_project_depends_on_the_distro_and_the_container_runs_under_it(tmp_path: Path) -> None:
    for telemetry, extra in (("otlp", True), ("none", False)):
        destination = tmp_path / telemetry / "traced-agent"
        copier.run_copy(
            str(TEMPLATE),
            destination,
            data={"project_name": "traced-agent", "telemetry": telemetry},
            defaults=True,
            quiet=True,
            unsafe=False,
        )
        assert ("adot" in runtime_extras(destination)) is extra
    dockerfile = render(packaged_project("http", telemetry="otlp"), "agentcore", "3.12", "linux/arm64")
    assert (
        'CMD ["opentelemetry-instrument", "uvicorn", "demo_agent.entrypoints.agentcore_app:app"' in dockerfile
    )


def test_telemetry_on_asks_strands_for_the_genai_semantic_conventions() -> None:
    """In a fresh process: setup_telemetry sets the opt-in; Strands' tracer then uses the new conventions."""
    code = (
        "import os\n"
        "from agent_scaffold_runtime.telemetry import TelemetryConfig, setup_telemetry\n"
        "setup_telemetry(TelemetryConfig.from_env(defaults={'telemetry': 'console'}))\n"
        "from strands.telemetry.tracer import Tracer\n"
        "opt_in = os.environ['OTEL_SEMCONV_STABILITY_OPT_IN'].split(',')[0]\n"
        "print(opt_in, Tracer().use_latest_genai_conventions)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "AGENT_TELEMETRY": "console"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["gen_ai_latest_experimental", "True"]
    kept = {**env, "OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_tool_definitions"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=kept, timeout=120)
    assert done.stdout.split() == ["gen_ai_tool_definitions", "False"]
