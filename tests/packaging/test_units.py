"""Fast checks of the pieces: file selection, the reproducible zip writer, size reports, target tables."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest

from scaffold.errors import BadInput
from scaffold.packaging.archive import Entry, write_zip
from scaffold.packaging.bytecode import Interpreter
from scaffold.packaging.errors import SizeLimitError
from scaffold.packaging.lock import _pins
from scaffold.packaging.platforms import python_version
from scaffold.packaging.selection import select_files
from scaffold.packaging.sizes import check_unzipped, contributors
from scaffold.packaging.targets import PACKAGE_TARGETS, SizeLimits
from scaffold.project import Project


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_builtin_exclusions_leave_only_what_runs(tmp_path: Path) -> None:
    tree(tmp_path, {
        "pkg/agent.py": "", "pkg/__pycache__/agent.cpython-311.pyc": "", "runtime_adapters/x.py": "",
        "tests/test_x.py": "", ".venv/lib/y.py": "", "README.md": "", "pyproject.toml": "",
        ".copier-answers.yml": "", ".scaffold/build/a.zip": "", "docs/index.md": "", "prompts/system.txt": "",
        "pkg/tests/helper.py": "",  # only the top-level tests/ is a built-in exclusion
    })  # fmt: skip
    selected = [file.rel for file in select_files(tmp_path).files]
    assert selected == ["pkg/agent.py", "pkg/tests/helper.py", "prompts/system.txt", "runtime_adapters/x.py"]


def test_scaffoldignore_adds_and_removes_exclusions(tmp_path: Path) -> None:
    tree(tmp_path, {"pkg/a.py": "", "pkg/big.bin": "", "tests/fixture.json": "", "tests/t.py": ""})
    (tmp_path / ".scaffoldignore").write_text("*.bin\n!tests/\ntests/*.py\n")
    assert [file.rel for file in select_files(tmp_path).files] == ["pkg/a.py", "tests/fixture.json"]


def test_secrets_are_held_back_whatever_the_ignore_file_says(tmp_path: Path) -> None:
    tree(tmp_path, {
        "pkg/a.py": "", ".env": "", "pkg/.env.test": "", "certs/site.pem": "", "id_ed25519": "",
        ".aws/config": "", "deploy/credentials": "", "server.key": "", "ignored.key": "",
    })  # fmt: skip
    (tmp_path / ".scaffoldignore").write_text("*.key\n!server.key\n")
    selection = select_files(tmp_path)
    assert [file.rel for file in selection.files] == ["pkg/a.py"]
    assert selection.held_back == (
        ".aws/config",
        ".env",
        "certs/site.pem",
        "deploy/credentials",
        "id_ed25519",
        "pkg/.env.test",
        "server.key",
    )  # ignored.key was ignored on purpose: not reported


def test_the_zip_writer_is_reproducible(tmp_path: Path) -> None:
    source = tree(tmp_path / "src", {"b.py": "print(1)\n", "a/data.json.gz": "x", "a/run.sh": "#!/bin/sh\n"})
    os.chmod(source / "a/run.sh", 0o700)
    entries = [Entry("b.py", source / "b.py"), Entry("a/data.json.gz", source / "a/data.json.gz"),
               Entry("a/run.sh", source / "a/run.sh", executable=True)]  # fmt: skip
    first = write_zip(entries, tmp_path / "one.zip")
    os.utime(source / "b.py", (time.time() + 3600,) * 2)
    second = write_zip(reversed(entries), tmp_path / "two.zip")
    assert first == second and (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        infos = {info.filename: info for info in archive.infolist()}
    assert list(infos) == ["a/data.json.gz", "a/run.sh", "b.py"]
    assert infos["a/data.json.gz"].compress_type == zipfile.ZIP_STORED
    assert infos["b.py"].compress_type == zipfile.ZIP_DEFLATED
    assert infos["a/run.sh"].external_attr >> 16 == 0o100755
    assert infos["b.py"].external_attr >> 16 == 0o100644


def test_size_reports_group_by_distribution_and_top_level_path() -> None:
    sizes = {"botocore/a": 5, "botocore/b": 5, "pkg/x.py": 2, "data/m.bin": 9, "six.py": 1}
    owners = {"botocore/a": "botocore", "botocore/b": "botocore", "six.py": "six"}
    assert contributors(sizes, owners, top=3) == [("botocore", 10), ("data/", 9), ("pkg/", 2)]
    with pytest.raises(SizeLimitError, match=r"Largest contributors: botocore 0.0 MB, data/ 0.0 MB"):
        check_unzipped("lambda", SizeLimits(unzipped_bytes=20), sizes, owners)
    assert check_unzipped("lambda", SizeLimits(unzipped_bytes=22), sizes, owners) == 22


def test_service_limits_and_entrypoints_per_target() -> None:
    project = Project(
        Path("/p"), "demo-agent", "demo_agent", ("lambda", "agentcore"), answers={"telemetry": "none"}
    )
    traced = Project(Path("/p"), "demo-agent", "demo_agent", ("agentcore",), answers={"telemetry": "otlp"})
    lam, core = PACKAGE_TARGETS["lambda"], PACKAGE_TARGETS["agentcore"]
    assert lam.limits.unzipped_bytes == 262_144_000 and lam.limits.direct_upload_bytes == 52_428_800
    assert core.limits.zipped_bytes == 262_144_000 and core.arches == ("arm64",)
    assert lam.entrypoint(project) == "demo_agent.entrypoints.lambda_handler.handler"
    assert core.entrypoint(project) == "agentcore_main.py"
    assert core.entrypoint(traced) == "opentelemetry-instrument agentcore_main.py"
    assert (lam.runtime("3.12"), core.runtime("3.13")) == ("python3.12", "PYTHON_3_13")
    assert core.launcher is not None and lam.launcher is not None
    launcher = core.launcher(project)
    assert launcher is not None and (launcher.name, launcher.executable) == ("agentcore_main.py", False)
    compile(launcher.text, launcher.name, "exec")
    assert "from demo_agent.entrypoints.agentcore_app import app" in launcher.text
    assert 'app.run(host="0.0.0.0", port=8080)' in launcher.text
    assert lam.launcher(project) is None  # a buffered Lambda runs its handler module directly


def test_python_versions_are_minor_versions() -> None:
    assert python_version("3.12") == "3.12" and python_version("3.13.1") == "3.13"
    for bad in ("2.7", "3", "3.9", "py3.12"):
        with pytest.raises(BadInput):
            python_version(bad)


def test_lock_pins_ignore_comments_and_annotations() -> None:
    text = "# scaffold-inputs: x\nboto3==1.0\n    # via strands\nattrs==2.0  # comment\n\n"
    assert _pins(text) == ("attrs==2.0", "boto3==1.0")


def test_bytecode_paths_follow_pep_3147() -> None:
    interpreter = Interpreter("python3.12", "cpython-312", "3.12|")
    assert interpreter.pyc_rel("pkg/mod.py") == "pkg/__pycache__/mod.cpython-312.pyc"
    assert interpreter.pyc_rel("six.py") == "__pycache__/six.cpython-312.pyc"


def test_each_target_keeps_the_runtime_extras_it_runs_and_nothing_else(tmp_path: Path) -> None:
    from scaffold.packaging.target_deps import target_dependencies

    root = tmp_path / "p"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "p"\ndependencies = ["strands-agents>=1.62", '
        '"agent-scaffold-runtime[a2a,adot,agentcore,fastapi,jwt,mcp,otlp]>=0.2.0,<0.3", "httpx"]\n'
    )
    plain = Project(root, "p", "p", ("agentcore", "lambda", "fastapi"), "offline", {})
    streaming = Project(root, "p", "p", ("lambda",), "offline", {"lambda_streaming": True})

    def runtime(project: Project, target: str) -> str:
        return target_dependencies(project, target)[1]

    assert runtime(plain, "lambda") == "agent-scaffold-runtime[jwt,otlp]<0.3,>=0.2.0"
    assert runtime(plain, "fastapi") == "agent-scaffold-runtime[fastapi,jwt,otlp]<0.3,>=0.2.0"
    assert (
        runtime(plain, "agentcore") == "agent-scaffold-runtime[a2a,adot,agentcore,jwt,mcp,otlp]<0.3,>=0.2.0"
    )
    assert runtime(streaming, "lambda") == "agent-scaffold-runtime[fastapi,jwt,otlp]<0.3,>=0.2.0"
    assert target_dependencies(plain, "lambda")[::2] == ["strands-agents>=1.62", "httpx"]  # as written
