"""``scaffold promote --from staging --to prod``: deploy to one environment exactly what another one runs.

Build once, promote: the artifact a deploy recorded for the source environment (its sha256) is what the
destination gets, never a rebuild that merely looks the same. The zip comes from this machine's build
folder when a build with that digest is there, else from the source environment's code bucket (downloaded,
then checked against the recorded sha256); a fastapi promotion deploys the source's image URI.

Every deploy records the *source digest* of the project it built (``source_digest``: the files that ship
plus the ``[project]`` table of pyproject.toml). When the project here differs from what the source
environment runs, promoting would ship code nobody tested there: it is refused, unless ``rebuild`` asks to
build this project's code for the destination instead (the plan then shows a new digest).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..environments.settings import check_name, load_environment
from ..errors import BadInput, ScaffoldError
from ..packaging.artifact import Artifact
from ..packaging.selection import file_sha256
from ..project import Project
from .aws import AwsContext, aws_errors
from .errors import NotDeployed
from .state import DeployState, load_state

PROMOTED_DIR = Path(".scaffold", "build", "promoted")


class PromotionRefused(BadInput):
    """What the source environment runs is not what the project holds now (or cannot be promoted)."""


def source_digest(project: Project) -> str:
    """The digest of what a build of the project ships: its selected files and its ``[project]`` table."""
    from ..packaging.selection import select_files

    selection = select_files(project.root)
    files = [(file.rel, file.digest(), file.executable) for file in selection.files]
    metadata = _project_table(project.root)
    payload = json.dumps({"files": files, "project": metadata}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def source_state(project: Project, target: str, environment: str) -> DeployState:
    """The source environment's last complete deploy of ``target``."""
    check_name(environment)
    load_environment(project.root, environment)  # an undeclared name is one clear error
    state = load_state(project.root, target, environment)
    if state is None or not state.resources:
        raise NotDeployed(
            f"{environment} has no recorded {target} deployment to promote; "
            f"run: scaffold deploy --target {target} --env {environment}"
        )
    if state.deployment.get("status") != "complete":
        raise PromotionRefused(
            f"The last {target} deploy to {environment} did not complete "
            f"(status {state.deployment.get('status', 'unknown')}); deploy {environment} again first."
        )
    return state


def check_unchanged(project: Project, state: DeployState) -> None:
    """Refuse when the project's code is not what the source environment runs."""
    recorded = str(state.deployment.get("source_sha256") or "")
    if not recorded:
        raise PromotionRefused(
            f"{state.environment}'s {state.target} deployment records no source digest (an older "
            f"agent-scaffold deployed it); deploy {state.environment} again, then promote."
        )
    current = source_digest(project)
    if current != recorded:
        raise PromotionRefused(
            f"The project's code has changed since {state.environment} was deployed (source {recorded[:12]} "
            f"there, {current[:12]} here): deploy and test {state.environment} first, or pass --rebuild to "
            "build this code for the destination."
        )


def promoted_artifact(
    project: Project, state: DeployState, aws: AwsContext, progress: Callable[[str], None]
) -> Artifact:
    """The exact zip the source environment runs, as an ``Artifact`` the deploy engine takes as it is."""
    summary: dict[str, Any] = dict(state.deployment.get("artifact") or {})
    missing = [
        key for key in ("sha256", "arch", "python_version", "entrypoint", "runtime") if not summary.get(key)
    ]
    if missing:
        raise PromotionRefused(
            f"{state.environment}'s {state.target} deployment does not record its artifact's {missing[0]}; "
            f"deploy {state.environment} again with this agent-scaffold, then promote."
        )
    sha256 = str(summary["sha256"])
    path = _local_copy(project, state.target, sha256) or _download(project, state, sha256, aws, progress)
    return Artifact(
        path=path,
        sha256=sha256,
        size_bytes=path.stat().st_size,
        unzipped_bytes=0,
        held_back=(),
        arch=str(summary["arch"]),
        python_version=str(summary["python_version"]),
        target=state.target,
        entrypoint=str(summary["entrypoint"]),
        runtime=str(summary["runtime"]),
        file_count=0,
        precompiled=False,
        reused=True,
        deps_installed=False,
        lock_reused=True,
    )


def promoted_image(state: DeployState) -> str:
    """The image URI the source fastapi environment runs (its tag names its content)."""
    uri = str((state.resources.get("image") or {}).get("uri") or "")
    if not uri:
        raise PromotionRefused(f"{state.environment}'s fastapi deployment records no image to promote.")
    return uri


def _local_copy(project: Project, target: str, sha256: str) -> Path | None:
    """A zip with this digest in this machine's build folders (a build, or an earlier promotion)."""
    name = f"{project.project_name}-{sha256[:16]}.zip"
    for folder in (project.root / ".scaffold" / "build" / target, project.root / PROMOTED_DIR):
        candidate = folder / name
        if candidate.is_file() and file_sha256(candidate) == sha256:
            return candidate
    return None


def _download(
    project: Project, state: DeployState, sha256: str, aws: AwsContext, progress: Callable[[str], None]
) -> Path:
    code = state.resources.get("code") or {}
    bucket, key = code.get("bucket"), code.get("key")
    if not bucket or not key or code.get("sha256") != sha256:
        raise PromotionRefused(
            f"{state.environment}'s {state.target} deployment records no stored copy of artifact "
            f"{sha256[:12]}; deploy {state.environment} again, then promote."
        )
    destination = project.root / PROMOTED_DIR / f"{project.project_name}-{sha256[:16]}.zip"
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_suffix(".part")
    progress(f"Fetching artifact {sha256[:12]} from s3://{bucket}/{key} ({state.environment}) …")
    with aws_errors(f"download {state.environment}'s artifact from s3://{bucket}/{key}"):
        aws.client("s3").download_file(str(bucket), str(key), str(partial))
    if file_sha256(partial) != sha256:
        partial.unlink(missing_ok=True)
        raise ScaffoldError(
            f"s3://{bucket}/{key} does not hold artifact {sha256[:12]} any more (its content differs); "
            f"deploy {state.environment} again, then promote."
        )
    partial.replace(destination)
    return destination


def _project_table(root: Path) -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadInput(f"Could not read {root / 'pyproject.toml'}: {exc}.") from None


def source_aws(state: DeployState, options: Any) -> AwsContext:
    """The source environment's AWS context: its Region, the caller's credentials and endpoint."""
    return AwsContext(region=state.region, profile=options.profile, endpoint_url=options.endpoint_url)


def promote(
    project: Project,
    target: str,
    from_env: str,
    to_env: str,
    options: Any,
    *,
    rebuild: bool = False,
    plan_only: bool = False,
    confirm: Any = None,
    progress: Any = None,
) -> Any:
    """Deploy ``from_env``'s artifact of ``target`` to ``to_env`` (``options``: an ``engine.AwsOptions``
    whose environment is replaced by ``to_env``); with ``rebuild``, build this project's code instead."""
    from dataclasses import replace

    from .engine import deploy
    from .progress import Progress

    progress = progress or Progress()
    if from_env == to_env:
        raise BadInput(
            f"--from and --to are both {from_env!r}: promote moves a build between two environments."
        )
    load_environment(project.root, to_env)
    state = source_state(project, target, from_env)
    destination = replace(options, environment=to_env, region=None)
    common: dict[str, Any] = {"plan_only": plan_only, "confirm": confirm, "progress": progress}
    if rebuild:
        progress.line(f"Building this project's code for {to_env} (--rebuild), not {from_env}'s artifact.")
        return deploy(project, target, destination, **common)
    check_unchanged(project, state)
    if target == "fastapi":
        image = promoted_image(state)
        progress.line(f"Promoting {from_env}'s image {image} to {to_env}.")
        return deploy(
            project, target, destination, overrides={"image": image}, promoted_from=from_env, **common
        )
    artifact = promoted_artifact(project, state, source_aws(state, options), progress.line)
    progress.line(f"Promoting {from_env}'s artifact sha256:{artifact.sha256} to {to_env}.")
    return deploy(project, target, destination, artifact=artifact, promoted_from=from_env, **common)
