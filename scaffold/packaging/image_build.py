"""Build (and push) the container image where that is possible: a local Docker engine, else AWS CodeBuild.

A Docker CLI is not enough: the engine must answer (``docker info``), and that is checked before anything
else so a machine without one gets one clear message naming both ways forward and the ready context,
not a half-run build. CodeBuild counts as available when the user names a project, a bucket for the
context and a repository to push to, and boto3 finds credentials (see ``codebuild.py``).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from .container import ContainerContext
from .errors import PackagingError, ToolMissing
from .progress import Progress, Steps

ARM64_EMULATION = "docker run --privileged --rm tonistiigi/binfmt --install arm64"


@dataclass(frozen=True)
class CodeBuildOptions:
    project: str | None = None
    bucket: str | None = None
    repository: str | None = None  # ECR repository URI the build pushes to


@dataclass(frozen=True)
class Availability:
    ok: bool
    reason: str  # why not, in words the user can act on (empty when ok)


def docker_engine(timeout: float = 20) -> Availability:
    cli = shutil.which("docker")
    if cli is None:
        return Availability(False, "the docker CLI is not on PATH")
    try:
        done = subprocess.run(
            [cli, "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Availability(False, f"the docker CLI ({cli}) did not answer: {exc}")
    if done.returncode != 0 or not done.stdout.strip():
        detail = " ".join((done.stderr or done.stdout).split()).rstrip(".") or f"exit code {done.returncode}"
        return Availability(
            False, f"the docker CLI is installed ({cli}) but no Docker engine answers: {detail}"
        )
    return Availability(True, "")


def codebuild(options: CodeBuildOptions) -> Availability:
    missing = [
        flag
        for flag, value in (
            ("--codebuild-project", options.project),
            ("--codebuild-bucket", options.bucket),
            ("--push", options.repository),
        )
        if not value
    ]
    if missing:
        return Availability(False, f"not configured (needs {', '.join(missing)})")
    try:
        import boto3
    except ImportError:
        return Availability(False, "boto3 is not installed")
    if boto3.Session().get_credentials() is None:
        return Availability(False, "no AWS credentials found (environment, profile or instance role)")
    return Availability(True, "")


def build_image(
    context: ContainerContext,
    *,
    push: str | None = None,
    codebuild_options: CodeBuildOptions | None = None,
    progress: Progress | None = None,
) -> str:
    """Build the image (and push it to ``push``, a repository URI, when given); return its reference."""
    steps = Steps(progress)
    options = codebuild_options or CodeBuildOptions(repository=push)
    docker = docker_engine()
    if docker.ok:
        return _docker_build(context, push, steps)
    remote = codebuild(options)
    if remote.ok:
        from .codebuild import build_with_codebuild

        return build_with_codebuild(context, options, steps)
    raise ToolMissing(
        "Building the container image needs a Docker engine or AWS CodeBuild, and neither is available here. "
        f"Docker: {docker.reason}. CodeBuild: {remote.reason}. "
        "Either start a Docker engine (building linux/arm64 on an x86_64 machine also needs arm64 "
        f"emulation: {ARM64_EMULATION}), or pass --codebuild-project NAME --codebuild-bucket BUCKET "
        "--push REPOSITORY_URI with AWS credentials configured. "
        f"The build context is ready: {context.build_command}"
    )


def _docker_build(context: ContainerContext, push: str | None, steps: Steps) -> str:
    reference = f"{push}:{context.tag}" if push else context.image
    with steps.step(f"Building {reference} for {context.platform} with docker"):
        _docker(["build", "--platform", context.platform, "-t", reference, str(context.path)], "docker build")
    if push:
        with steps.step(f"Pushing {reference}"):
            _docker(["push", reference], "docker push (is docker logged in to the registry?)")
    return reference


def _docker(args: list[str], what: str) -> None:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = " ".join(done.stderr.strip().splitlines()[-8:])
        raise PackagingError(f"{what} failed (exit code {done.returncode}): {tail}")
