"""``--format container``: the generated Dockerfile per target, a context without secrets, and a clear
message (exit code 4) when there is neither a Docker engine nor CodeBuild to build it with."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from scaffold import __version__
from scaffold.packaging.codebuild import build_with_codebuild
from scaffold.packaging.container import ContainerContext, build_container_context
from scaffold.packaging.dockerfiles import health_probe, render
from scaffold.packaging.image_build import CodeBuildOptions
from scaffold.packaging.progress import Steps
from scaffold.project import Project
from tests.support.moto import codebuild_project
from tests.support.processes import run_ok

from .conftest import SECRETS


def project(telemetry: str = "none") -> Project:
    return Project(
        root=Path("/nowhere/demo-agent"),
        project_name="demo-agent",
        package_name="demo_agent",
        targets=("agentcore", "lambda", "fastapi"),
        answers={"telemetry": telemetry, "python_version": "3.12"},
    )


def instructions(dockerfile: str, keyword: str) -> list[str]:
    return [line for line in dockerfile.splitlines() if line.startswith(keyword + " ")]


def test_agentcore_dockerfile_is_arm64_non_root_and_serves_the_agentcore_app() -> None:
    dockerfile = render(project(), "agentcore", "3.12", "linux/arm64")
    assert instructions(dockerfile, "FROM") == [
        "FROM --platform=linux/arm64 public.ecr.aws/docker/library/python:3.12-slim"
    ]
    assert instructions(dockerfile, "USER") == ["USER 10001:10001"]
    assert "useradd --system --uid 10001" in dockerfile
    assert instructions(dockerfile, "EXPOSE") == ["EXPOSE 8080"]
    assert instructions(dockerfile, "CMD") == [
        'CMD ["uvicorn", "demo_agent.entrypoints.agentcore_app:app", "--host", "0.0.0.0", "--port", "8080"]'
    ]
    assert "opentelemetry-instrument" not in dockerfile
    assert "--only-binary=:all: --no-deps -r /tmp/requirements.txt" in dockerfile
    assert "compileall" in dockerfile


@pytest.mark.parametrize("telemetry", ["console", "otlp"])
def test_with_telemetry_the_command_runs_under_opentelemetry_instrument(telemetry: str) -> None:
    dockerfile = render(project(telemetry), "agentcore", "3.12", "linux/arm64")
    (cmd,) = instructions(dockerfile, "CMD")
    assert cmd.startswith(
        'CMD ["opentelemetry-instrument", "uvicorn", "demo_agent.entrypoints.agentcore_app:app"'
    )


def test_fastapi_dockerfile_serves_the_http_app_on_8000_for_the_chosen_arch() -> None:
    dockerfile = render(project(), "fastapi", "3.11", "linux/amd64")
    assert instructions(dockerfile, "FROM")[0].startswith("FROM --platform=linux/amd64 ")
    assert instructions(dockerfile, "EXPOSE") == ["EXPOSE 8000"]
    assert "demo_agent.entrypoints.http_app:app" in instructions(dockerfile, "CMD")[0]
    assert instructions(dockerfile, "USER") == ["USER 10001:10001"]


def test_lambda_dockerfile_uses_the_lambda_base_image_and_the_handler() -> None:
    plain = render(project(), "lambda", "3.12", "linux/arm64")
    assert instructions(plain, "FROM") == ["FROM --platform=linux/arm64 public.ecr.aws/lambda/python:3.12"]
    assert instructions(plain, "CMD") == ['CMD ["demo_agent.entrypoints.lambda_handler.handler"]']
    assert instructions(plain, "USER") == ["USER 10001:10001"]
    assert '--target "${LAMBDA_TASK_ROOT}"' in plain
    traced = render(project("otlp"), "lambda", "3.12", "linux/arm64")
    assert instructions(traced, "ENTRYPOINT") == [
        'ENTRYPOINT ["opentelemetry-instrument", "/lambda-entrypoint.sh"]'
    ]
    assert instructions(traced, "CMD") == ['CMD ["demo_agent.entrypoints.lambda_handler.handler"]']


@pytest.fixture(scope="module")
def context(arm_project: Project) -> ContainerContext:
    return build_container_context(arm_project, "agentcore")


@pytest.mark.slow
def test_the_context_holds_the_app_and_the_lock_but_no_secrets(
    arm_project: Project, context: ContainerContext
) -> None:
    files = sorted(p.relative_to(context.path).as_posix() for p in context.path.rglob("*") if p.is_file())
    assert "Dockerfile" in files and "requirements.txt" in files
    assert f"app/{arm_project.package_name}/entrypoints/agentcore_app.py" in files
    # The runtime library: not in the app, but its wheel, installed by the Dockerfile from the context.
    assert not any(
        name.startswith(("app/runtime_adapters/", "app/agent_scaffold_runtime/")) for name in files
    )
    assert [name for name in files if name.startswith("wheels/")] == [
        f"wheels/agent_scaffold_runtime-{__version__}-py3-none-any.whl"
    ]
    dockerfile = (context.path / "Dockerfile").read_text()
    assert "COPY wheels/ /tmp/wheels/" in dockerfile and "--find-links /tmp/wheels" in dockerfile
    app_files = {name.removeprefix("app/") for name in files if name.startswith("app/")}
    assert not app_files & set(SECRETS)
    assert not any(name.startswith(("tests/", ".scaffold/")) for name in app_files)
    assert context.held_back == tuple(sorted(SECRETS))
    requirements = (context.path / "requirements.txt").read_text()
    assert "strands-agents==" in requirements and "pydantic-core==" in requirements
    assert f"agent-scaffold-runtime=={__version__}" in requirements
    assert context.platform == "linux/arm64" and context.image.endswith(context.sha256[:16])


@pytest.mark.slow
def test_the_context_is_rewritten_identically(arm_project: Project, context: ContainerContext) -> None:
    again = build_container_context(arm_project, "agentcore")
    assert again.sha256 == context.sha256


def run_build(project_root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scaffold", "package", "-t", "agentcore", "-f", "container", "--build"],
        cwd=project_root, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip


@pytest.mark.slow
def test_building_without_docker_or_codebuild_says_what_it_needs(
    arm_project: Project, context: ContainerContext, tmp_path: Path
) -> None:
    no_docker_path = tmp_path / "bin"
    no_docker_path.mkdir()
    env = dict(os.environ, PATH=str(no_docker_path))
    done = run_build(arm_project.root, env)
    assert done.returncode == 4, done.stderr
    message = done.stderr
    assert "needs a Docker engine or AWS CodeBuild" in message
    assert "the docker CLI is not on PATH" in message
    assert "--codebuild-project NAME --codebuild-bucket BUCKET --push REPOSITORY_URI" in message
    assert f"docker build --platform linux/arm64 -t arm-agent:{context.sha256[:16]} {context.path}" in message


@pytest.mark.slow
def test_a_docker_cli_without_an_engine_is_detected(arm_project: Project, tmp_path: Path) -> None:
    assert shutil.which("docker"), "this machine kind ships the docker CLI (no engine): an install problem"
    env = dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/no-engine.sock")
    done = run_build(arm_project.root, env)
    assert done.returncode == 4, done.stderr
    assert "the docker CLI is installed" in done.stderr and "no Docker engine answers" in done.stderr


@mock_aws
def test_codebuild_gets_the_context_and_a_buildspec_for_the_image_platform(tmp_path: Path) -> None:
    context_dir = tmp_path / "context"
    (context_dir / "app").mkdir(parents=True)
    (context_dir / "Dockerfile").write_text("FROM scratch\n")
    (context_dir / "app" / "main.py").write_text("print('hi')\n")
    context = ContainerContext(
        path=context_dir, dockerfile=context_dir / "Dockerfile", sha256="ab" * 32, size_bytes=1,
        held_back=(), arch="arm64", platform="linux/arm64", python_version="3.12", target="agentcore",
        entrypoint="uvicorn x:app", image="demo:abab",
    )  # fmt: skip
    session = boto3.Session(region_name="us-east-1")
    codebuild_project(session.client, name="images", bucket="contexts")
    options = CodeBuildOptions("images", "contexts", "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo")
    image = build_with_codebuild(context, options, Steps(None), session=session, poll_seconds=0)
    assert image == f"123456789012.dkr.ecr.us-east-1.amazonaws.com/demo:{'ab' * 8}"  # tag: sha256[:16]
    uploaded = tmp_path / "uploaded.zip"
    session.client("s3").download_file("contexts", f"scaffold/contexts/{'ab' * 32}.zip", str(uploaded))
    with zipfile.ZipFile(uploaded) as archive:
        assert sorted(archive.namelist()) == ["Dockerfile", "app/main.py"]


# -- HEALTHCHECK ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "port"), [("agentcore", 8080), ("fastapi", 8000)])
def test_server_images_probe_ping_with_their_own_python(target: str, port: int) -> None:
    dockerfile = render(project(), target, "3.12", "linux/arm64")

    (line,) = instructions(dockerfile, "HEALTHCHECK")
    options, _, command = line.removeprefix("HEALTHCHECK ").partition(" CMD ")
    assert options == "--interval=30s --timeout=5s --start-period=60s --retries=3"
    assert json.loads(command) == health_probe(port)
    assert f"http://127.0.0.1:{port}/ping" in command and "curl" not in command


def test_the_lambda_image_has_no_server_to_probe_and_says_so() -> None:
    assert instructions(render(project(), "lambda", "3.12", "linux/arm64"), "HEALTHCHECK") == [
        "HEALTHCHECK NONE"
    ]


def _probe(port: int) -> int:
    """Run the probe as the image runs it (``python -c``), against 127.0.0.1:``port``."""
    argv = health_probe(port)
    return subprocess.run([sys.executable, *argv[1:]], capture_output=True, timeout=60).returncode


def test_the_probe_passes_on_a_healthy_ping_and_fails_otherwise() -> None:
    from agent_scaffold_runtime.fastapi_adapter import create_app
    from agent_scaffold_runtime.loader import AgentRef
    from fastapi import FastAPI, Response

    from tests.support.servers import free_port, serving

    with serving(create_app(AgentRef("tests.support.demo_core"))) as url:
        assert _probe(int(url.rsplit(":", 1)[1])) == 0

    failing = FastAPI()
    failing.get("/ping")(lambda: Response(status_code=503))
    with serving(failing) as url:
        assert _probe(int(url.rsplit(":", 1)[1])) != 0

    assert _probe(free_port()) != 0  # nothing listening


def test_checkov_passes_the_generated_dockerfiles(tmp_path: Path) -> None:
    for target in ("agentcore", "fastapi", "lambda"):
        (tmp_path / target).mkdir()
        (tmp_path / target / "Dockerfile").write_text(render(project("otlp"), target, "3.12", "linux/arm64"))
    checkov = shutil.which("checkov", path=str(Path(sys.executable).parent)) or shutil.which("checkov")
    assert checkov, "checkov is a test dependency: pip install -e '.[test]'"
    result = run_ok(
        [checkov, "-d", str(tmp_path), "--framework", "dockerfile", "--quiet", "--compact", "--skip-download",
         "-o", "json"],
        timeout=600,
    )  # fmt: skip

    report = json.loads(result.stdout)
    assert report["results"].get("failed_checks", []) == []
    assert report["summary"]["resource_count"] == 3 and report["summary"]["passed"] > 0
