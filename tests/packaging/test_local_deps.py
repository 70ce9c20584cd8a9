"""A dependency on a project beside this one, named by its directory (``travel-desk @ {root:parent:uri}/
travel-desk``, as the travel assistant and MCP server samples name theirs): built into a wheel once per
content, resolved as ``name==version`` of that wheel, and installed from the wheel file, never from an
index. Offline: nothing here asks the package index (the zip built from such a project is
``tests/samples/test_mcp_server_lambda_zip.py``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from scaffold.packaging.errors import PackagingError
from scaffold.packaging.local_deps import expand_context, install_text, local_directory, with_local_wheels
from scaffold.packaging.lock import inputs_key

PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "{backend}"

[project]
name = "travel-desk"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = {dependencies}

[tool.hatch.build.targets.wheel]
packages = ["travel_desk"]
"""


def library(parent: Path, *, backend: str = "hatchling.build", dependencies: str = "[]") -> Path:
    root = parent / "travel-desk"
    (root / "travel_desk" / "data").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT.format(backend=backend, dependencies=dependencies))
    (root / "travel_desk" / "__init__.py").write_text("POLICY = 'economy'\n")
    (root / "travel_desk" / "data" / "policy.json").write_text("{}\n")
    return root


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_hatchlings_context_fields_name_directories_above_the_project(tmp_path: Path) -> None:
    project = tmp_path / "samples" / "mcp-server"

    assert expand_context("x @ {root:parent:uri}/travel-desk", project) == (
        f"x @ {(tmp_path / 'samples').resolve().as_uri()}/travel-desk"
    )
    assert expand_context("{root:uri}", project) == project.resolve().as_uri()
    assert expand_context("{root:parent:parent}", project) == str(tmp_path.resolve())
    assert expand_context("mcp>=2.1", project) == "mcp>=2.1"


def test_only_a_requirement_naming_an_existing_directory_is_local(tmp_path: Path) -> None:
    project = tmp_path / "mcp-server"
    library(tmp_path)

    found = local_directory("travel-desk @ {root:parent:uri}/travel-desk", project)
    assert found is not None and found[1] == (tmp_path / "travel-desk").resolve()
    assert local_directory("travel-desk @ {root:parent:uri}/elsewhere", project) is None
    assert local_directory("mcp>=2.1", project) is None
    assert local_directory("pkg @ https://example.com/pkg-1.0-py3-none-any.whl", project) is None


def test_a_local_project_is_built_once_and_resolved_as_its_version(
    tmp_path: Path, private_cache: Path
) -> None:
    project = tmp_path / "mcp-server"
    library(tmp_path, dependencies='["pyyaml>=6"]')
    written = ["mcp>=2.1", "travel-desk @ {root:parent:uri}/travel-desk ; python_version >= '3.10'"]

    requirements, [wheel] = with_local_wheels(project, written)
    again, [same] = with_local_wheels(project, written)

    assert requirements == again == ["mcp>=2.1", 'travel-desk==0.1.0; python_version >= "3.10"']
    assert (wheel.name, wheel.version, wheel.requires) == ("travel-desk", "0.1.0", ("pyyaml>=6",))
    assert same == wheel  # the same source builds the same bytes, kept once
    assert wheel.path.parent.parent == private_cache / "local-wheels"
    with zipfile.ZipFile(wheel.path) as archive:
        assert {"travel_desk/__init__.py", "travel_desk/data/policy.json"} <= set(archive.namelist())


def test_changed_code_is_a_new_wheel_but_the_same_resolution(tmp_path: Path) -> None:
    project = tmp_path / "mcp-server"
    desk = library(tmp_path)
    written = ["travel-desk @ {root:parent:uri}/travel-desk"]
    requirements, before = with_local_wheels(project, written)

    (desk / "travel_desk" / "__init__.py").write_text("POLICY = 'business'\n")
    _, after = with_local_wheels(project, written)

    assert after[0].sha256 != before[0].sha256  # the dependency layer is keyed by this: installed again
    assert inputs_key(requirements, "p", "3.12", after) == inputs_key(requirements, "p", "3.12", before)
    # a new dependency of the library does change what the lock was resolved from
    library(tmp_path, dependencies='["pyyaml>=6"]')
    _, more = with_local_wheels(project, written)
    assert inputs_key(requirements, "p", "3.12", more) != inputs_key(requirements, "p", "3.12", before)
    # and without local projects the key is the one the shipped seed locks were made with
    assert inputs_key(["mcp>=2.1"], "p", "3.12", ()) == inputs_key(["mcp>=2.1"], "p", "3.12")


def test_the_wheel_file_is_installed_not_a_package_of_that_name(tmp_path: Path) -> None:
    library(tmp_path)
    _, wheels = with_local_wheels(tmp_path / "mcp-server", ["travel-desk @ {root:parent:uri}/travel-desk"])
    lock = "mcp==2.1.0\n    # via -r requirements.in\ntravel-desk==0.1.0\n    # via -r requirements.in\n"

    installed = install_text(lock, wheels)
    in_image = install_text(lock, wheels, {"travel-desk": "file:///tmp/wheels/w.whl"})

    assert installed.splitlines()[2] == f"travel-desk @ {wheels[0].path.as_uri()}"
    assert in_image.splitlines()[2] == "travel-desk @ file:///tmp/wheels/w.whl"
    assert installed.splitlines()[0] == "mcp==2.1.0"
    assert install_text(lock, ()) == lock


def test_a_local_project_with_another_backend_or_name_is_refused(tmp_path: Path) -> None:
    library(tmp_path, backend="setuptools.build_meta")
    with pytest.raises(PackagingError, match=r"builds local projects with hatchling\.build only"):
        with_local_wheels(tmp_path / "a", ["travel-desk @ {root:parent:uri}/travel-desk"])

    library(tmp_path)
    with pytest.raises(PackagingError, match=r"names flight-desk, but .* builds travel-desk"):
        with_local_wheels(tmp_path / "a", ["flight-desk @ {root:parent:uri}/travel-desk"])
