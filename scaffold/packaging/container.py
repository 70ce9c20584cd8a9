"""``--format container``: a Dockerfile and a build context that holds nothing a secret could hide in.

The context is ``<project>/.scaffold/build/<target>/container/``: the Dockerfile, ``requirements.txt`` (the
same lock the zip is built from, resolved for the image's platform), ``wheels/`` (the toolkit's runtime
library wheel, when the lock pins it: the image installs it with ``--find-links``, so a build needs no index
that has it) and ``app/`` (the project files that pass ``.scaffoldignore``, the built-in exclusions and the
secret rules; copies of the real files, never symlinks, and nothing from outside the project:
``selection``). It is rewritten from scratch each
time, with fixed file modes, so its content hash (``sha256``; also the suggested image tag) only changes
when its content does.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..project import Project
from . import dockerfiles, platforms
from .builder import BUILD_DIR, project_python
from .deps import runtime_pinned
from .local_deps import install_text
from .lock import resolve
from .progress import Progress, Steps
from .selection import select_files
from .target_deps import target_dependencies
from .targets import CONTAINER, package_target
from .wheelhouse import ensure_runtime_wheel


@dataclass(frozen=True)
class ContainerContext:
    path: Path  # the build context directory
    dockerfile: Path
    sha256: str  # of the context's content: names the image (``tag``) as the zip's hash names the zip
    size_bytes: int
    held_back: tuple[str, ...]
    arch: str
    platform: str  # linux/arm64
    python_version: str
    target: str
    entrypoint: str  # what the container runs, as one command line
    image: str  # suggested local reference: <project>:<sha256[:16]>
    format: str = CONTAINER
    held_back_rules: tuple[tuple[str, str], ...] = ()  # (path, the rule that held it back), as held_back

    @property
    def tag(self) -> str:
        """The image tag: the context hash's first 16 hex digits (what the CloudFormation export expects)."""
        return self.sha256[:16]

    @property
    def build_command(self) -> str:
        return f"docker build --platform {self.platform} -t {self.image} {self.path}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(path=str(self.path), dockerfile=str(self.dockerfile), held_back=list(self.held_back))
        data.update(held_back_rules=dict(self.held_back_rules))
        data.update(build_command=self.build_command, tag=self.tag)
        return data


def build_container_context(
    project: Project,
    target: str,
    *,
    arch: str = platforms.DEFAULT_ARCH,
    python_version: str | None = None,
    progress: Progress | None = None,
    upgrade: bool = False,
) -> ContainerContext:
    package_target(project, target, CONTAINER, arch)
    platform = platforms.arch(arch)
    python = project_python(project, python_version)
    steps = Steps(progress)
    steps.note(f"Writing the container context for {target} ({platform.docker_platform}, Python {python})")
    selection = select_files(project.root)
    requirements = target_dependencies(project, target)
    lock = resolve(project, requirements, platform.uv_platform, python, steps, target=target, upgrade=upgrade)

    context = project.root / BUILD_DIR / target / "container"
    shutil.rmtree(context, ignore_errors=True)
    (context / "app").mkdir(parents=True)
    wheels = runtime_pinned(lock) or bool(lock.local_wheels)
    if wheels:
        (context / dockerfiles.WHEELS_DIR).mkdir()
    if runtime_pinned(lock):
        runtime_wheel = ensure_runtime_wheel()
        _write(context / dockerfiles.WHEELS_DIR / runtime_wheel.path.name, runtime_wheel.path.read_bytes())
    for local in lock.local_wheels:  # installed by file: see local_deps
        _write(context / dockerfiles.WHEELS_DIR / local.path.name, local.path.read_bytes())
    dockerfile = context / "Dockerfile"
    recipe = dockerfiles.render(project, target, python, platform.docker_platform, wheels=wheels)
    _write(dockerfile, recipe.encode())
    in_image = {
        local.name: f"file:///tmp/{dockerfiles.WHEELS_DIR}/{local.path.name}" for local in lock.local_wheels
    }
    _write(
        context / "requirements.txt",
        _requirements(install_text(lock.text, lock.local_wheels, in_image)).encode(),
    )
    for file in selection.files:
        destination = context / "app" / file.rel
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file.path, destination)
        destination.chmod(0o755 if file.executable else 0o644)

    sha256, size = _digest(context)
    return ContainerContext(
        path=context,
        dockerfile=dockerfile,
        sha256=sha256,
        size_bytes=size,
        held_back=selection.held_back,
        held_back_rules=tuple((item.rel, item.rule) for item in selection.held_back_rules),
        arch=arch,
        platform=platform.docker_platform,
        python_version=python,
        target=target,
        entrypoint=" ".join(dockerfiles.command_line(project, target)),
        image=f"{project.project_name}:{sha256[:16]}",  # = tag
    )


def _requirements(lock_text: str) -> str:
    """The lock without scaffold's input-key line (it names this machine's view, not the image's)."""
    return "".join(line for line in lock_text.splitlines(keepends=True) if not line.startswith("# scaffold-"))


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o644)


def _digest(root: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    total = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        total += len(data)
        mode = "755" if path.stat().st_mode & 0o111 else "644"
        digest.update(f"{path.relative_to(root).as_posix()}\0{mode}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest(), total
