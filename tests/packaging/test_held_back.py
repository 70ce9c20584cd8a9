"""Nothing secret and nothing from outside the project ships (issue 11, items 9-10).

Every file a review found in shipped artifacts is planted (credentials found by content or by a
well-known name, symlinks to ``.env``, to ``/etc/passwd`` and to a folder outside the project) and the
tests assert exactly what is held back and the rule that caught it: in the file selection, in the Lambda
zip, in the container build context, and in what ``scaffold package`` prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from scaffold.errors import BadInput
from scaffold.packaging import (
    Artifact,
    ContainerContext,
    build_container_context,
    secret_scan,
)
from scaffold.packaging.selection import HeldBack, select_files
from scaffold.project import Project

from .conftest import HAZARDS, plant_hazards

PASSWD_LINE = b"root:x:0:0:"


def rules(held: Any) -> dict[str, str]:
    """A selection's, artifact's or context's held-back files and rules, as a path -> rule mapping."""
    pairs = [(item.rel, item.rule) if isinstance(item, HeldBack) else item for item in held.held_back_rules]
    return dict(pairs)


@pytest.fixture()
def planted(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "agent.py").write_text("ANSWER = 42\n")
    expected = plant_hazards(root, tmp_path / "elsewhere")
    return root, expected


def test_each_planted_file_is_held_back_with_the_rule_that_caught_it(
    planted: tuple[Path, dict[str, str]],
) -> None:
    root, expected = planted
    selection = select_files(root)
    assert rules(selection) == expected
    assert selection.held_back == tuple(sorted(expected))
    assert [file.rel for file in selection.files] == ["pkg/agent.py", "prompt.txt", "prompts/system.txt"]


def test_a_symlink_inside_the_project_ships_its_target_read_from_the_real_file(
    planted: tuple[Path, dict[str, str]],
) -> None:
    root, _ = planted
    shipped = {file.rel: file for file in select_files(root).files}
    link = shipped["prompt.txt"]
    assert link.path == (root / "prompts" / "system.txt").resolve()
    assert not link.path.is_symlink() and link.size == len("Be brief.\n")


def test_a_symlink_to_a_missing_file_is_held_back(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to("nowhere.txt")
    assert rules(select_files(tmp_path)) == {"gone.txt": "symlink to nowhere.txt, which does not exist"}


def test_an_ignored_file_is_not_reported_even_when_it_holds_a_secret(
    planted: tuple[Path, dict[str, str]],
) -> None:
    root, expected = planted
    (root / ".scaffoldignore").write_text("notes.txt\np.txt\n")
    assert rules(select_files(root)) == {
        rel: rule for rel, rule in expected.items() if rel not in ("notes.txt", "p.txt")
    }


def test_the_allow_list_lets_one_false_positive_through_and_nothing_else(
    planted: tuple[Path, dict[str, str]],
) -> None:
    root, expected = planted
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.scaffold.package]\nallow_secrets = ["config.json", "p.txt"]\n'
    )
    selection = select_files(root)
    assert "config.json" in [file.rel for file in selection.files]
    # p.txt leads outside the project: no allow-list entry brings it in
    assert rules(selection) == {rel: rule for rel, rule in expected.items() if rel != "config.json"}


def test_an_allowed_symlink_still_needs_its_target_allowed(tmp_path: Path) -> None:
    (tmp_path / "data.json").write_text(HAZARDS["config.json"])
    (tmp_path / "alias.json").symlink_to("data.json")
    (tmp_path / "pyproject.toml").write_text('[tool.scaffold.package]\nallow_secrets = ["alias.json"]\n')
    assert rules(select_files(tmp_path)) == {
        "alias.json": "symlink to data.json: Base64HighEntropyString",
        "data.json": "Base64HighEntropyString",
    }


def test_a_malformed_allow_list_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.scaffold.package]\nallow_secrets = "config.json"\n')
    with pytest.raises(BadInput, match=r"allow_secrets .* must be a list of file paths"):
        select_files(tmp_path)


def test_scan_results_are_cached_by_content_so_an_unchanged_project_is_not_scanned_again(
    planted: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, expected = planted
    select_files(root)

    def no_scan(paths: object) -> None:
        raise AssertionError("scanned again although nothing changed")

    monkeypatch.setattr(secret_scan, "_scan", no_scan)
    assert rules(select_files(root)) == expected
    (root / "pkg" / "agent.py").write_text("ANSWER = 43\n")  # a change: that file alone is scanned
    scanned: list[list[Path]] = []

    def record_scan(paths: Iterable[Path]) -> dict[Path, tuple[str, ...]]:
        scanned.append(list(paths))
        return {path: () for path in scanned[-1]}

    monkeypatch.setattr(secret_scan, "_scan", record_scan)
    assert rules(select_files(root)) == expected
    assert scanned == [[(root / "pkg" / "agent.py").resolve()]]


# --- the artifacts: a Lambda zip and a container context from a generated project ----------------------


@pytest.mark.slow
def test_the_zip_holds_none_of_it_and_says_why(
    hazard_project: tuple[Project, dict[str, str]], hazard_zip: Artifact
) -> None:
    _, expected = hazard_project
    assert rules(hazard_zip) == expected
    with zipfile.ZipFile(hazard_zip.path) as archive:
        names = set(archive.namelist())
        assert not names & set(expected)
        assert not any(name.startswith("shared/") for name in names)
        assert archive.read("prompt.txt") == b"Be brief.\n"
        for name in names:
            assert PASSWD_LINE not in archive.read(name), name
    assert hazard_zip.to_json()["held_back_rules"] == expected


@pytest.mark.slow
def test_the_container_context_holds_none_of_it_and_no_symlink(
    hazard_project: tuple[Project, dict[str, str]],
) -> None:
    project, expected = hazard_project
    context: ContainerContext = build_container_context(project, "lambda")
    assert rules(context) == expected
    app = context.path / "app"
    shipped = {path.relative_to(app).as_posix() for path in app.rglob("*")}
    assert not shipped & set(expected)
    assert not any(name.startswith("shared") for name in shipped)
    assert (app / "prompt.txt").read_text() == "Be brief.\n"
    assert not [path for path in context.path.rglob("*") if path.is_symlink()]
    assert context.to_json()["held_back_rules"] == expected


@pytest.mark.slow
def test_the_cli_names_each_file_and_its_rule(
    hazard_project: tuple[Project, dict[str, str]], hazard_zip: Artifact
) -> None:
    project, expected = hazard_project
    done = subprocess.run(
        [sys.executable, "-m", "scaffold", "package", "-t", "lambda", "--json"],
        cwd=project.root, capture_output=True, text=True, timeout=600, env=dict(os.environ),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["held_back_rules"] == expected
    assert "notes.txt (AWSKeyDetector)" in done.stderr
    assert "p.txt (symlink outside the project (/etc/passwd))" in done.stderr


def test_a_folder_symlink_inside_the_project_ships_under_both_paths_and_a_loop_is_not_followed(
    tmp_path: Path,
) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "sub" / "m.py").write_text("X = 1\n")
    (tmp_path / "pkg" / "sub" / ".env.local").write_text("TOKEN=abc\n")
    (tmp_path / "alias").symlink_to("pkg", target_is_directory=True)
    (tmp_path / "pkg" / "up").symlink_to("..", target_is_directory=True)  # a loop back to the root
    selection = select_files(tmp_path)
    assert [file.rel for file in selection.files] == ["alias/sub/m.py", "pkg/sub/m.py"]
    assert rules(selection) == {
        "alias/sub/.env.local": "symlink to pkg/sub/.env.local: name .env*",
        "pkg/sub/.env.local": "name .env*",
    }


def test_a_secret_in_a_text_file_that_is_not_utf8_is_found_too(tmp_path: Path) -> None:
    """detect-secrets alone skips a file it cannot decode as UTF-8; a Latin-1 note must not slip by."""
    (tmp_path / "notes-latin1.txt").write_bytes(("Café keys\n" + HAZARDS["notes.txt"]).encode("latin-1"))
    (tmp_path / "blob.bin").write_bytes(b"\0\xff" * 4096)  # binary: left to detect-secrets as it is
    (tmp_path / "plain-latin1.txt").write_bytes("Café au lait\n".encode("latin-1"))
    selection = select_files(tmp_path)
    assert rules(selection) == {"notes-latin1.txt": "AWSKeyDetector"}
    assert [file.rel for file in selection.files] == ["blob.bin", "plain-latin1.txt"]


def test_a_line_excused_with_detect_secrets_pragma_ships(tmp_path: Path) -> None:
    key = "AKIAZ3MSJV4WWNKWW5FG"
    (tmp_path / "excused.py").write_text(f'SAMPLE_KEY_ID = "{key}"  # pragma: allowlist secret\n')
    (tmp_path / "plain.py").write_text(f'SAMPLE_KEY_ID = "{key}"\n')
    selection = select_files(tmp_path)
    assert [file.rel for file in selection.files] == ["excused.py"]
    assert rules(selection) == {"plain.py": "AWSKeyDetector"}


def test_a_named_detector_names_the_file_and_entropy_alone_names_it_only_when_nothing_else_did(
    tmp_path: Path,
) -> None:
    """The entropy plugins say a string looks random; a named detector says what the secret is. Either
    distribution of ``detect_secrets`` (Yelp's, or the fork checkov installs over it) flags both lines."""
    blob = '"c2NhZmZvbGQ6ZGNrcl9wYXRfN3FSdFkyWnhMbTlLcDRXdg=="'
    (tmp_path / "mixed.txt").write_text(f'aws_access_key_id = "AKIAZ3MSJV4WWNKWW5FG"\nblob = {blob}\n')
    (tmp_path / "random.txt").write_text(f"blob = {blob}\n")
    assert rules(select_files(tmp_path)) == {
        "mixed.txt": "AWSKeyDetector",
        "random.txt": "Base64HighEntropyString",
    }
