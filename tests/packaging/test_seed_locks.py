"""Seed locks: a ``--defaults`` project's first package installs the pins this toolkit version ships.

The seeds in ``scaffold/packaging/seed_locks/`` must match what the template generates today (else they
are dead weight), be used only for exactly those inputs, and give way to a resolve when the index can no
longer install them.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from scaffold.packaging import build_artifact
from scaffold.packaging import lock as lock_module
from scaffold.packaging.lock import KEY_PREFIX, LOCK_DIR, inputs_key, lock_name, seed_text
from scaffold.packaging.platforms import DEFAULT_ARCH, DEFAULT_PYTHON, arch
from scaffold.packaging.seeds import SEEDED_TARGETS
from scaffold.packaging.target_deps import target_dependencies
from scaffold.project import Project

from .conftest import generate

UV_PLATFORM = arch(DEFAULT_ARCH).uv_platform


@pytest.fixture(scope="module")
def defaults_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return generate(tmp_path_factory.mktemp("seeded"), "seeded-agent")


def key_of(project: Project, target: str) -> str:
    return inputs_key(target_dependencies(project, target), UV_PLATFORM, DEFAULT_PYTHON)


@pytest.mark.parametrize("target", SEEDED_TARGETS)
def test_a_seed_ships_for_each_target_of_a_defaults_project(defaults_project: Project, target: str) -> None:
    seed = seed_text(key_of(defaults_project, target), target, UV_PLATFORM, DEFAULT_PYTHON)

    assert seed is not None, "the template's defaults changed: run python -m scaffold.packaging.seeds"
    pins = [line for line in seed.splitlines() if line and not line.startswith("#") and "==" in line]
    assert any(pin.startswith("agent-scaffold-runtime==") for pin in pins)
    assert any(pin.startswith("strands-agents==") for pin in pins)


def pins_of(text: str) -> dict[str, Version]:
    pairs = (line.split("==", 1) for line in text.splitlines() if "==" in line and not line.startswith("#"))
    return {canonicalize_name(name): Version(version.strip()) for name, version in pairs}


@pytest.mark.parametrize("target", SEEDED_TARGETS)
def test_a_seed_satisfies_the_project_and_the_runtime_this_toolkit_installs(
    defaults_project: Project, target: str
) -> None:
    """Installed with ``--no-deps``, a seed must already hold everything: the project's requirements and
    the runtime's own (with the extras the target uses), at versions they accept. A runtime that gained a
    dependency since the seeds were made fails here, not in a deployed zip."""
    requirements = target_dependencies(defaults_project, target)
    seed = seed_text(key_of(defaults_project, target), target, UV_PLATFORM, DEFAULT_PYTHON)
    assert seed is not None
    pins = pins_of(seed)
    wanted = [Requirement(line) for line in requirements]
    runtime = next(req for req in wanted if canonicalize_name(req.name) == "agent-scaffold-runtime")
    environment = {"python_version": DEFAULT_PYTHON, "platform_machine": "aarch64", "sys_platform": "linux"}
    for line in metadata.requires("agent-scaffold-runtime") or []:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({**environment, "extra": e}) for e in runtime.extras):
            wanted.append(requirement)
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{target}: the seed lacks {requirement}; run python -m scaffold.packaging.seeds"
        assert requirement.specifier.contains(pins[name], prereleases=True), f"{target}: {requirement}"


def test_other_inputs_have_no_seed(defaults_project: Project) -> None:
    requirements = [*target_dependencies(defaults_project, "lambda"), "requests>=2"]
    assert (
        seed_text(inputs_key(requirements, UV_PLATFORM, DEFAULT_PYTHON), "lambda", UV_PLATFORM, "3.12")
        is None
    )
    assert seed_text(key_of(defaults_project, "lambda"), "lambda", UV_PLATFORM, "3.11") is None


def test_the_first_package_installs_the_shipped_pins_without_resolving(
    tmp_path: Path, scaffold_cache: Path
) -> None:
    project = generate(tmp_path, "first-package")
    lines: list[str] = []

    artifact = build_artifact(project, "agentcore", precompile=False, progress=lines.append)

    assert not any(line.startswith("Resolving") for line in lines), lines
    assert any("ships (--upgrade resolves instead)" in line for line in lines), lines
    lock_file = project.root / LOCK_DIR / lock_name("agentcore", UV_PLATFORM, DEFAULT_PYTHON)
    assert lock_file.read_text() == seed_text(key_of(project, "agentcore"), "agentcore", UV_PLATFORM, "3.12")
    assert artifact.lock_reused is False and artifact.deps_installed


def test_a_seed_that_no_longer_installs_is_resolved_over_in_the_same_run(
    tmp_path: Path, scaffold_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = generate(tmp_path / "project", "stale-seed")
    key = key_of(project, "lambda")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    withdrawn = "agent-scaffold-no-such-distribution==1.0.0"
    (seeds / lock_name("lambda", UV_PLATFORM, DEFAULT_PYTHON)).write_text(f"{KEY_PREFIX}{key}\n{withdrawn}\n")
    monkeypatch.setattr(lock_module, "SEED_DIR", seeds)
    lines: list[str] = []

    build_artifact(project, "lambda", precompile=False, progress=lines.append)

    assert "The shipped pins did not install from this package index; resolving instead" in lines
    assert any(line.startswith("Resolving") for line in lines), lines
    lock_text = (project.root / LOCK_DIR / lock_name("lambda", UV_PLATFORM, DEFAULT_PYTHON)).read_text()
    assert withdrawn not in lock_text and "strands-agents==" in lock_text


def test_upgrade_resolves_instead_of_seeding(tmp_path: Path, scaffold_cache: Path) -> None:
    project = generate(tmp_path, "upgraded")
    lines: list[str] = []

    build_artifact(project, "lambda", precompile=False, upgrade=True, progress=lines.append)

    assert any(line.startswith("Resolving") for line in lines)
    assert not any("ships" in line for line in lines)
