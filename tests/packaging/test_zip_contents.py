"""What a packaged Lambda zip holds: wheels for the target CPU, the project, no toolkit, no secrets."""

from __future__ import annotations

import re
import zipfile

import pytest

from scaffold import __version__
from scaffold.packaging import Artifact
from scaffold.packaging.bytecode import find_interpreter
from scaffold.project import Project

from .conftest import HOST_PYTHON, SECRETS
from .elf import AARCH64, X86_64, elf_machine

pytestmark = pytest.mark.slow  # resolves and installs real wheels with uv

TOOLKIT_ONLY = ("copier", "jinja2", "scaffold", "pathspec", "questionary", "plumbum", "moto", "pytest")


def names(artifact: Artifact) -> list[str]:
    with zipfile.ZipFile(artifact.path) as archive:
        return archive.namelist()


def shared_objects(artifact: Artifact) -> dict[str, int]:
    with zipfile.ZipFile(artifact.path) as archive:
        return {
            name: elf_machine(archive.read(name))
            for name in archive.namelist()
            if re.search(r"\.so(\.\d+)*$", name)
        }


@pytest.mark.parametrize(
    ("fixture", "machine", "triplet"),
    [("x86_artifact", X86_64, "x86_64-linux-gnu"), ("arm_artifact", AARCH64, "aarch64-linux-gnu")],
)
def test_native_code_is_built_for_the_target_cpu(
    fixture: str, machine: int, triplet: str, request: pytest.FixtureRequest
) -> None:
    artifact: Artifact = request.getfixturevalue(fixture)
    objects = shared_objects(artifact)
    core = [name for name in objects if name.startswith("pydantic_core/_pydantic_core")]
    assert core and triplet in core[0], core
    assert objects[core[0]] == machine
    wrong = {name: hex(found) for name, found in objects.items() if found != machine}
    assert not wrong, f"shared objects for another CPU: {wrong}"


def test_the_zip_holds_the_project_its_dependencies_and_the_runtime_library(
    x86_project: Project, x86_artifact: Artifact
) -> None:
    listed = set(names(x86_artifact))
    package = x86_project.package_name
    for expected in (
        f"{package}/agent.py",
        f"{package}/entrypoints/lambda_handler.py",
        "agent_scaffold_runtime/lambda_adapter.py",
        "agent_scaffold_runtime/core.py",
        "strands/__init__.py",
        "pydantic/__init__.py",
    ):
        assert expected in listed
    # The runtime once, from its distribution (the toolkit's wheel): one dist-info, no vendored tree.
    runtime_infos = sorted({n.split("/", 1)[0] for n in listed if n.startswith("agent_scaffold_runtime-")})
    assert runtime_infos == [f"agent_scaffold_runtime-{__version__}.dist-info"]
    assert "runtime_adapters/__init__.py" not in listed
    assert not [n for n in listed if "/agent_scaffold_runtime/" in n]
    assert len([n for n in listed if n == "agent_scaffold_runtime/__init__.py"]) == 1
    assert x86_artifact.entrypoint == f"{package}.entrypoints.lambda_handler.handler"
    assert x86_artifact.runtime == f"python{HOST_PYTHON}"
    for left_out in ("tests/", "README.md", "pyproject.toml", ".copier-answers.yml", "AGENTS.md", "bin/"):
        assert not any(name == left_out or name.startswith(left_out) for name in listed), left_out


def test_nothing_of_the_toolkit_is_packaged_only_what_the_lock_pins(
    x86_project: Project, x86_artifact: Artifact
) -> None:
    listed = names(x86_artifact)
    tops = {name.split("/", 1)[0] for name in listed}
    assert not tops & set(TOOLKIT_ONLY)
    pins = (x86_project.root / f".scaffold/locks/lambda-x86_64-manylinux2014-py{HOST_PYTHON}.txt").read_text()
    pinned = {normal(m.group(1)) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", pins, re.M)}
    infos = {top for top in tops if top.endswith(".dist-info")}
    assert len(infos) > 20
    for info in infos:
        assert normal(info.removesuffix(".dist-info").rsplit("-", 1)[0]) in pinned, info


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def test_the_lambda_zip_leaves_out_what_the_runtime_ships_when_it_is_recent_enough(
    hazard_zip: Artifact,
) -> None:
    """A Lambda-only project packs nothing that needs a newer boto3 than the runtime's (strands-agents
    asks for boto3>=1.26): the runtime's copy is used."""
    tops = {name.split("/", 1)[0] for name in names(hazard_zip)}
    assert hazard_zip.left_out == ("boto3", "botocore", "s3transfer")
    assert not {"boto3", "botocore", "s3transfer"} & tops
    assert not any("Bundled" in notice for notice in hazard_zip.notices)


def test_the_lambda_zip_carries_only_what_the_lambda_target_runs(
    x86_project: Project, x86_artifact: Artifact
) -> None:
    """The default project has every target, so its runtime dependency asks for the agentcore and fastapi
    extras; the Lambda zip leaves both out (and with them the newer boto3 bedrock-agentcore requires)."""
    pyproject = (x86_project.root / "pyproject.toml").read_text()
    assert "agentcore" in pyproject and "fastapi" in pyproject
    tops = {name.split("/", 1)[0] for name in names(x86_artifact)}
    assert not {"bedrock_agentcore", "fastapi"} & tops  # (starlette and uvicorn come with Strands' mcp)
    assert x86_artifact.left_out == ("boto3", "botocore", "s3transfer")
    assert not any("Bundled" in notice for notice in x86_artifact.notices)


def test_the_lambda_zip_bundles_the_sdk_a_packed_distribution_needs_newer(memory_zip: Artifact) -> None:
    """AgentCore Memory packs bedrock-agentcore into the Lambda zip too, whose metadata requires a boto3
    newer than any Lambda runtime documents: boto3, botocore and s3transfer ship in the zip."""
    tops = {name.split("/", 1)[0] for name in names(memory_zip)}
    assert "bedrock_agentcore" in tops
    assert memory_zip.left_out == ()
    assert {"boto3", "botocore", "s3transfer"} <= tops
    [notice] = [notice for notice in memory_zip.notices if notice.startswith("Bundled")]
    assert notice.startswith("Bundled boto3, botocore, s3transfer although the python3.12 runtime has them:")
    assert "bedrock-agentcore requires boto3>=" in notice and "the runtime provides boto3 1.34.145" in notice


def test_entries_are_sorted_with_fixed_timestamps_and_modes(x86_artifact: Artifact) -> None:
    with zipfile.ZipFile(x86_artifact.path) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} <= {0o100644, 0o100755}
    assert not any(info.filename.endswith("/") for info in infos)


def test_bytecode_is_precompiled_for_the_target_python_unchecked(
    x86_project: Project, x86_artifact: Artifact
) -> None:
    assert x86_artifact.precompiled
    tag = f"cpython-{HOST_PYTHON.replace('.', '')}"
    with zipfile.ZipFile(x86_artifact.path) as archive:
        pyc = [name for name in archive.namelist() if name.endswith(".pyc")]
        agent = archive.read(f"{x86_project.package_name}/__pycache__/agent.{tag}.pyc")
    assert pyc and all(name.endswith(f".{tag}.pyc") for name in pyc)
    assert "strands/__pycache__/__init__." + tag + ".pyc" in pyc
    assert int.from_bytes(agent[4:8], "little") == 0b01  # hash-based, source not checked


def test_bytecode_needs_the_target_interpreter_and_says_so_without_it(arm_artifact: Artifact) -> None:
    """Whichever this machine has, the artifact must match it: precompiled, or plain with a notice."""
    version = arm_artifact.python_version
    tag = f"cpython-{version.replace('.', '')}"
    compiled = [name for name in names(arm_artifact) if name.endswith(".pyc")]
    if find_interpreter(version) is None:
        assert not arm_artifact.precompiled and not compiled
        assert any(f"No Python {version}" in notice for notice in arm_artifact.notices)
    else:
        assert arm_artifact.precompiled and compiled
        assert all(name.endswith(f".{tag}.pyc") for name in compiled)


def test_secrets_are_held_back_even_when_unignored(arm_artifact: Artifact) -> None:
    assert arm_artifact.held_back == tuple(sorted(SECRETS))  # server.key included: `!server.key`
    listed = set(names(arm_artifact))
    assert not listed & set(SECRETS)
    assert "notes.txt" not in listed  # ignored by .scaffoldignore: not a secret, not reported
    assert ".scaffoldignore" not in listed
