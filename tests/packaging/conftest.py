"""Fixtures for the packaging tests: generated projects, a private dependency cache, built artifacts.

Builds are real (uv resolving against the package index, real wheels, real zips), so they are made once
per session and shared: an x86_64 Lambda zip for this Python (the platform and interpreter of this machine,
so it can run here and carry precompiled bytecode) and an arm64 one from a project with planted secrets.
Tests that change a project work on a copy, which keeps the lock (``.scaffold/locks``) and therefore
resolves nothing again.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import copier
import pytest

from scaffold.packaging import Artifact, build_artifact
from scaffold.project import Project, load_project

TEMPLATE = Path(__file__).parent.parent.parent / "templates" / "agent"
#: What tests that run or precompile the zip build for: the interpreter running the tests (3.10 to 3.13)
HOST_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"

SECRETS = {
    ".env": "OPENAI_API_KEY=sk-test\n",
    ".env.prod": "DB_PASSWORD=hunter2\n",
    "key.pem": "-----BEGIN PRIVATE KEY-----\n",
    "id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\n",
    ".aws/credentials": "[default]\naws_access_key_id = AKIATEST\n",
    "server.key": "-----BEGIN RSA PRIVATE KEY-----\n",
    "config/.env.local": "TOKEN=abc\n",
}
# server.key is ignored by the first line and un-ignored by the second: still held back.
SCAFFOLDIGNORE = "*.key\n!server.key\nnotes.txt\n"


# What an outside review found shipped in every artifact (issue 11, items 9-10): credentials under
# ordinary names, found by content or by a well-known name, and symlinks leading to a secret or out of the
# project. Values are made up; each has the shape its scanner rule looks for.
HAZARDS = {
    "secrets.json": '{"stripe_api_key": "rk_live_4eC39HqLyjWDarjtT1zdp7dc", "db_password": "Tr0ub4dor&3"}\n',
    "notes.txt": (
        "deploy keys for the staging account\n"
        "aws_access_key_id = AKIAZ3MSJV4WWNKWW5FG\n"
        "aws_secret_access_key = 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\n"
    ),
    ".npmrc": "//registry.npmjs.org/:_authToken=npm_Fk2ZqP9wX4vL7mN1bR8tY3cH6jD0sA5gE2uK\n",
    "config.json": json.dumps(
        {
            "auths": {
                "https://index.docker.io/v1/": {"auth": "c2NhZmZvbGQ6ZGNrcl9wYXRfN3FSdFkyWnhMbTlLcDRXdg=="}
            }
        }
    ),
    "gcp-service-account.json": json.dumps(
        {
            "type": "service_account",
            "project_id": "demo-123",
            "private_key": (
                "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
            ),
            "client_email": "deployer@demo-123.iam.gserviceaccount.com",
        }
    ),
    "terraform.tfstate": json.dumps(
        {"version": 4, "resources": [{"instances": [{"attributes": {"password": "s3cr3t-db-pass-2024"}}]}]}
    ),
    ".env": "OPENAI_API_KEY=sk-test\n",
}
# ... and why each is held back (the symlinks are planted by plant_hazards; ``outside`` is its argument).
HAZARD_RULES = {
    "secrets.json": "name secrets.json",
    "notes.txt": "AWSKeyDetector",
    ".npmrc": "name .npmrc",
    "config.json": "Base64HighEntropyString",
    "gcp-service-account.json": "PrivateKeyDetector",
    "terraform.tfstate": "name *.tfstate",
    ".env": "name .env*",
    "a.txt": "symlink to .env: name .env*",
    "p.txt": "symlink outside the project (/etc/passwd)",
}


def plant_hazards(root: Path, outside: Path) -> dict[str, str]:
    """HAZARDS, a symlink to ``.env``, one to ``/etc/passwd``, one to a folder outside the project, and a
    harmless symlink inside it; returns the expected held-back rules."""
    for rel, text in HAZARDS.items():
        (root / rel).write_text(text)
    (root / "a.txt").symlink_to(".env")
    (root / "p.txt").symlink_to("/etc/passwd")
    (outside / "shared").mkdir(parents=True)
    (outside / "shared" / "handy.py").write_text("VALUE = 1\n")
    (root / "shared").symlink_to(outside / "shared", target_is_directory=True)
    (root / "prompts").mkdir(exist_ok=True)
    (root / "prompts" / "system.txt").write_text("Be brief.\n")
    (root / "prompt.txt").symlink_to("prompts/system.txt")  # inside the project: ships, as its target
    return {**HAZARD_RULES, "shared": f"symlink outside the project ({os.path.realpath(outside / 'shared')})"}


def generate(parent: Path, name: str, **answers: object) -> Project:
    destination = parent / name
    copier.run_copy(
        str(TEMPLATE),
        destination,
        data={"project_name": name, **answers},
        defaults=True,
        quiet=True,
        unsafe=False,
    )
    return load_project(destination)


def copy_project(project: Project, destination: Path) -> Project:
    """A copy with the lock but without earlier builds."""
    shutil.copytree(project.root, destination, ignore=shutil.ignore_patterns("build"))
    return load_project(destination)


def plant_secrets(root: Path) -> None:
    for rel, text in SECRETS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "notes.txt").write_text("ignored, not a secret\n")
    (root / ".scaffoldignore").write_text(SCAFFOLDIGNORE)


@pytest.fixture(scope="package", autouse=True)
def scaffold_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A dependency cache of this session's own, so the first build really installs (uv's download cache
    still makes that quick)."""
    cache = tmp_path_factory.mktemp("scaffold-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCAFFOLD_CACHE_DIR", str(cache))
        yield cache


@pytest.fixture(scope="package")
def x86_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return generate(tmp_path_factory.mktemp("x86"), "pkg-agent")


@pytest.fixture(scope="package")
def x86_artifact(x86_project: Project) -> Artifact:
    return build_artifact(x86_project, "lambda", arch="x86_64", python_version=HOST_PYTHON)


@pytest.fixture(scope="package")
def arm_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = generate(tmp_path_factory.mktemp("arm"), "arm-agent")
    plant_secrets(project.root)
    return project


@pytest.fixture(scope="package")
def arm_artifact(arm_project: Project) -> Artifact:
    return build_artifact(arm_project, "lambda")  # defaults: arm64, the project's Python (3.12)


@pytest.fixture(scope="package")
def hazard_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict[str, str]]:
    """A Lambda-only project (so no packed distribution needs a newer boto3 than the runtime's) with
    every hazard planted, and the held-back rules expected for it."""
    parent = tmp_path_factory.mktemp("hazards")
    project = generate(parent, "hazard-agent", targets=["lambda"])
    return project, plant_hazards(project.root, parent / "elsewhere")


@pytest.fixture(scope="package")
def memory_zip(tmp_path_factory: pytest.TempPathFactory) -> Artifact:
    """A Lambda-only project on AgentCore Memory: its zip packs bedrock-agentcore."""
    project = generate(
        tmp_path_factory.mktemp("memory"), "memory-agent", targets=["lambda"], memory="agentcore"
    )
    return build_artifact(project, "lambda")


@pytest.fixture(scope="package")
def hazard_zip(hazard_project: tuple[Project, dict[str, str]]) -> Artifact:
    return build_artifact(hazard_project[0], "lambda")
