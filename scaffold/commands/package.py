"""``scaffold package``: build what a target deploys (a zip, a container context, a CloudFormation export).

All the work is in ``scaffold.packaging``; this module only maps options to it and prints the outcome:
a short summary on stdout (or one JSON object with ``--json``), progress and warnings on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..packaging.errors import megabytes
from ..packaging.platforms import ARCHES, DEFAULT_ARCH
from ..packaging.targets import CLOUDFORMATION, CONTAINER, FORMATS, PACKAGE_TARGETS, ZIP
from ..project import Project, locate_project
from ._common import dir_option, only_target, project_option

EPILOG = """\b
Examples:
  scaffold package --target lambda                   # linux/arm64 zip for the project's Python
  scaffold package -t lambda --arch x86_64 --json    # {"path", "sha256", "size_bytes", "held_back", ...}
  scaffold package -t agentcore                      # code zip for AgentCore (arm64 only)
  scaffold package -t fastapi --format container     # Dockerfile + build context
  scaffold package -t agentcore -f container --build # ... and build it (Docker or CodeBuild)
  scaffold package -t lambda -f cloudformation       # zip + a CloudFormation template for it
  scaffold package -t lambda -f cloudformation --env prod   # ... with prod's IAM guardrails on every role

\b
Dependencies are resolved and installed for the target platform with uv (never copied from this
environment); the lock is kept in .scaffold/locks/ and reused until pyproject.toml changes (--upgrade
resolves again). Files come from the project root minus built-in exclusions and .scaffoldignore
(gitignore syntax); secrets are never packaged and are listed as held back with the rule that caught
them: credential files by name (.env*, *.pem, *.key, .npmrc, *.tfstate, .aws/, ...) and any file in which
detect-secrets finds a credential (notes.txt: AWSKeyDetector). A false positive ships once listed under
[tool.scaffold.package] allow_secrets in pyproject.toml. Symlinks leading outside the project are held
back too. Artifacts go to .scaffold/build/<target>/, named by their content hash."""


@click.command("package", epilog=EPILOG, short_help="Build the deployable artifact for a target.")
@click.option("--target", "-t", "target", type=click.Choice(list(PACKAGE_TARGETS)), help="What to package.")
@click.option(
    "--arch",
    type=click.Choice(list(ARCHES)),
    default=DEFAULT_ARCH,
    show_default=True,
    help="CPU architecture.",
)
@click.option(
    "--format", "-f", "fmt", type=click.Choice(FORMATS), help="Artifact format.  [default: zip, or container]"
)
@click.option("--python-version", metavar="X.Y", help="Target Python.  [default: the project's answer]")
@click.option("--upgrade", is_flag=True, help="Resolve the dependencies again instead of reusing the lock.")
@click.option(
    "--bundle-aws-sdk",
    is_flag=True,
    help="Lambda: pack boto3/botocore even when the runtime's copy is recent enough.",
)
@click.option("--no-precompile", is_flag=True, help="Leave bytecode out (smaller zip, slower cold start).")
@click.option("--build", is_flag=True, help="Container: build the image (Docker engine or CodeBuild).")
@click.option("--push", metavar="REPOSITORY_URI", help="Container: push the image there (tag: sha256[:16]).")
@click.option("--codebuild-project", metavar="NAME", help="Container: build on this CodeBuild project.")
@click.option("--codebuild-bucket", metavar="BUCKET", help="Container: S3 bucket for CodeBuild's context.")
@dir_option(
    "--out",
    "out_dir",
    help="CloudFormation: where to write.  [default: .scaffold/build/<target>/cloudformation]",
)
@click.option(
    "--env",
    "env_name",
    metavar="NAME",
    help="CloudFormation: apply this environment's IAM guardrails (environments.toml) to every role.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@project_option
def package(
    target: str | None,
    arch: str,
    fmt: str | None,
    python_version: str | None,
    upgrade: bool,
    bundle_aws_sdk: bool,
    no_precompile: bool,
    build: bool,
    push: str | None,
    codebuild_project: str | None,
    codebuild_bucket: str | None,
    out_dir: Path | None,
    env_name: str | None,
    as_json: bool,
    project_dir: Path | None,
) -> None:
    """Package the project for a deployment TARGET, built for that target's platform."""
    from ..packaging.builder import build_artifact
    from ..packaging.cloudformation import export as export_cloudformation
    from ..packaging.container import build_container_context
    from ..packaging.image_build import CodeBuildOptions, build_image

    project = locate_project(project_dir)
    name = target or only_target(project, PACKAGE_TARGETS, "what to package")
    spec = PACKAGE_TARGETS[name]
    fmt = fmt or (ZIP if ZIP in spec.formats else CONTAINER)
    if (build or push or codebuild_project) and fmt != CONTAINER:
        raise click.UsageError("--build, --push and --codebuild-project apply to --format container.")
    if env_name is not None and fmt != CLOUDFORMATION:
        raise click.UsageError("--env applies to --format cloudformation.")
    environment = _environment(project, env_name) if fmt == CLOUDFORMATION else None

    def progress(message: str) -> None:
        click.echo(message, err=True)

    artifact_format = spec.cloudformation_artifact if fmt == CLOUDFORMATION else fmt
    artifact: Any
    if artifact_format == ZIP:
        artifact = build_artifact(
            project, name, arch=arch, python_version=python_version, progress=progress,
            precompile=not no_precompile, bundle_runtime_provided=bundle_aws_sdk, upgrade=upgrade,
        )  # fmt: skip
    else:
        artifact = build_container_context(
            project, name, arch=arch, python_version=python_version, progress=progress, upgrade=upgrade
        )
    result: dict[str, Any] = artifact.to_json()
    if fmt == CONTAINER and (build or push or codebuild_project):
        options = CodeBuildOptions(codebuild_project, codebuild_bucket, push)
        result["image"] = build_image(artifact, push=push, codebuild_options=options, progress=progress)
    if fmt == CLOUDFORMATION:
        destination = out_dir or project.root / ".scaffold" / "build" / name / "cloudformation"
        result["format"] = CLOUDFORMATION
        result["artifact_format"] = artifact_format
        written = export_cloudformation(project, name, destination, artifact, environment=environment)
        result["files"] = [str(p) for p in written]
    if as_json:
        if artifact.held_back:
            click.echo(f"Held back {_held_back_line(artifact)}", err=True)
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(_summary(project, result, artifact))


def _environment(project: Project, name: str | None) -> Any:
    """The environment whose IAM guardrails the export applies, checked (with the organisation layer's
    forced ones) before anything is built; none asked for: the layer's forced guardrails alone."""
    from ..environments.guardrails import effective_guardrails
    from ..environments.settings import load_environment

    environment = load_environment(project.root, name) if name is not None else None
    effective_guardrails(project, environment)
    return environment


def _held_back_line(artifact: Any) -> str:
    """``2 file(s) ...: notes.txt (AWSKeyDetector), .env (name .env*)``: each with the rule that caught it."""
    rules = dict(artifact.held_back_rules)
    listed = ", ".join(f"{rel} ({rules[rel]})" if rel in rules else rel for rel in artifact.held_back)
    return (
        f"{len(artifact.held_back)} file(s) that hold secrets or lead outside the project, never packaged: "
        f"{listed}; a false positive ships once listed in [tool.scaffold.package] allow_secrets"
    )


def _summary(project: Project, result: dict[str, Any], artifact: Any) -> str:
    rows: list[tuple[str, str]] = []
    if artifact.format == CONTAINER:
        head = f"Container context for {project.project_name} ({artifact.target}): {artifact.path}"
        rows += [
            ("dockerfile", str(artifact.dockerfile)),
            ("sha256", artifact.sha256),
            ("platform", f"{artifact.platform}, Python {artifact.python_version}"),
            ("command", artifact.entrypoint),
            ("image", result.get("image") or f"not built; build with: {artifact.build_command}"),
        ]
    else:
        head = f"Packaged {project.project_name} for {artifact.target}: {artifact.path}"
        bytecode = "bytecode precompiled" if artifact.precompiled else "no bytecode"
        rows += [
            ("sha256", artifact.sha256),
            ("size", f"{megabytes(artifact.size_bytes)} zipped, {megabytes(artifact.unzipped_bytes)} unzipped"
                     f" ({artifact.file_count} files)"),
            ("platform", f"linux/{artifact.arch}, {artifact.runtime}, {bytecode}"),
            ("entrypoint", artifact.entrypoint),
        ]  # fmt: skip
        if artifact.left_out:
            rows.append(("left out", f"{', '.join(artifact.left_out)} (the runtime provides them)"))
        if artifact.reused:
            rows.append(("reused", "nothing changed since the last build"))
        rows += [("notice", notice) for notice in artifact.notices]
    if artifact.held_back:
        rows.append(("held back", _held_back_line(artifact)))
    rows += [("exported", path) for path in result.get("files", [])]
    return "\n".join([head, *(f"  {label:<11} {value}" for label, value in rows)])
