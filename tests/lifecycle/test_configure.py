"""``scaffold configure key=value``: any answer changes the way targets do; bad requests change nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from .helpers import commit_all, is_clean, new_project, scaffold, tree


def runtime_defaults(project: Path) -> dict[str, str]:
    module = ast.parse((project / "demo_agent" / "settings.py").read_text())
    node = next(
        n
        for n in module.body
        if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "RUNTIME_DEFAULTS"
    )
    assert node.value is not None
    return ast.literal_eval(node.value)


def test_changing_memory_keeps_the_users_edits(tmp_path):
    project = new_project(tmp_path, "-t", "local")
    agent = project / "demo_agent" / "agent.py"
    agent.write_text(agent.read_text() + "\n# tuned by us\n")
    commit_all(project, "tune the agent")

    result = scaffold("configure", "memory=s3", "session_bucket=team-sessions", "--project", str(project))

    assert result.exit_code == 0, result.output
    assert "Set memory=s3, session_bucket=team-sessions:" in result.stdout
    assert runtime_defaults(project)["memory"] == "s3"
    assert runtime_defaults(project)["session_bucket"] == "team-sessions"
    assert agent.read_text().endswith("# tuned by us\n")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["memory"], answers["session_bucket"]) == ("s3", "team-sessions")


def test_an_answer_that_needs_more_answers_lists_all_of_them_at_once(tmp_path):
    project = new_project(tmp_path, "-t", "local")
    before = tree(project)

    result = scaffold("configure", "auth=jwt", "--project", str(project))

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: auth=jwt needs 2 more answers: jwt_discovery_url (jwt_discovery_url must be the issuer's "
        "https:// discovery URL (.well-known/openid-configuration)); jwt_allowed_audiences (Set "
        "jwt_allowed_clients or jwt_allowed_audiences: without one, any token the issuer mints for any app "
        "would be accepted). Pass them in one command, e.g. scaffold configure auth=jwt "
        "jwt_discovery_url=... jwt_allowed_audiences=..., or run it in a terminal to be asked "
        "(nothing was changed)."
    )
    assert "Traceback" not in result.output
    assert tree(project) == before and is_clean(project)


def test_a_partial_set_of_follow_up_answers_names_only_the_rest(tmp_path):
    project = new_project(tmp_path, "-t", "local")
    before = tree(project)

    result = scaffold("configure", "auth=jwt", "jwt_allowed_clients=my-client", "--project", str(project))

    assert result.exit_code == 2
    error = result.stderr.splitlines()[-1]
    assert error.startswith(
        "Error: auth=jwt jwt_allowed_clients=my-client needs 1 more answer: jwt_discovery_url ("
    )
    assert "jwt_allowed_audiences" not in error
    assert tree(project) == before and is_clean(project)


@pytest.mark.parametrize(
    ("value", "targets"), [("local", ["local"]), ("fastapi,local", ["fastapi", "local"])]
)
def test_a_bare_value_sets_a_list_question(tmp_path, value, targets):
    project = new_project(tmp_path, "-t", "local", "-t", "lambda")

    result = scaffold("configure", f"targets={value}", "--project", str(project))

    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert sorted(answers["targets"]) == targets
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "assignment",
    [
        pytest.param("memory=file", id="the-current-value"),
        pytest.param("targets=local", id="a-bare-value-equal-to-the-current-list"),
    ],
)
def test_setting_what_is_already_there_is_a_no_op(tmp_path, assignment):
    project = new_project(tmp_path, "-t", "local")

    result = scaffold("configure", assignment, "--project", str(project))

    assert result.exit_code == 0
    assert "nothing to change" in result.stdout


def test_an_answer_with_its_follow_up_answers_is_applied(tmp_path):
    project = new_project(tmp_path, "-t", "local", "-t", "fastapi")

    result = scaffold(
        "configure",
        "auth=jwt",
        "jwt_discovery_url=https://issuer.example/.well-known/openid-configuration",
        "jwt_allowed_clients=my-client",
        "--project",
        str(project),
    )

    assert result.exit_code == 0, result.output
    assert runtime_defaults(project)["auth"] == "jwt"
    assert (project / "tests" / "test_auth_jwt.py").is_file()
    assert "added     tests/test_auth_jwt.py" in result.stdout


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("colour=blue", "The template has no question 'colour'"),
        ("project_name=other-agent", "project_name cannot be changed in place"),
        ("auth=iam", "auth=iam needs a platform that verifies SigV4"),  # the template's own validator
        ("no-equals", "--data expects key=value"),
    ],
)
def test_bad_requests_change_nothing(tmp_path, assignment, message):
    project = new_project(tmp_path, "-t", "fastapi")
    before = tree(project)

    result = scaffold("configure", assignment, "--project", str(project))

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert tree(project) == before and is_clean(project)


def test_dry_run_shows_the_change_and_writes_nothing(tmp_path):
    project = new_project(tmp_path, "-t", "local")
    before = tree(project)

    result = scaffold("configure", "telemetry=console", "--dry-run", "--project", str(project))

    assert result.exit_code == 0, result.output
    assert "Dry run: to set telemetry=console, scaffold would change (nothing was written):" in result.stdout
    assert "added     tests/test_telemetry.py" in result.stdout
    assert tree(project) == before


class Terminal:
    """A command on a pseudo-terminal, so it sees a terminal on stdin and stdout; read until text shows."""

    def __init__(self, argv: list[str]) -> None:
        import os
        import subprocess

        self.master, slave = os.openpty()
        env = {**os.environ, "TERM": "dumb"}
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
        )
        os.close(slave)
        self.seen = b""

    def wait_for(self, text: str, timeout: float = 120) -> None:
        import os
        import select
        import time

        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            ready, _, _ = select.select([self.master], [], [], max(0.0, deadline - time.monotonic()))
            assert ready, f"{text!r} never appeared; the terminal shows: {self.seen[-1500:]!r}"
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # the command ended (EIO on Linux)
                chunk = b""
            assert chunk, f"the command ended before {text!r}: {self.seen[-1500:]!r}"
            self.seen += chunk
        self.seen = self.seen[self.seen.index(text.encode()) + len(text) :]

    def type(self, line: str) -> None:
        import os

        os.write(self.master, line.encode() + b"\r")


def test_in_a_terminal_it_asks_for_each_missing_answer(tmp_path):
    import shutil
    import sys

    project = new_project(tmp_path, "-t", "local")
    executable = shutil.which("scaffold", path=str(Path(sys.executable).parent))
    assert executable
    terminal = Terminal([executable, "configure", "auth=jwt", "--project", str(project)])

    terminal.wait_for("jwt_discovery_url: jwt_discovery_url must be the issuer's https:// discovery URL")
    terminal.wait_for("/.well-known/openid-configuration: ")  # the question's help is the prompt
    terminal.type("https://issuer.example/.well-known/openid-configuration")
    terminal.wait_for("jwt_allowed_audiences: Set jwt_allowed_clients or jwt_allowed_audiences")
    terminal.wait_for("Allowed audiences, comma-separated (ID tokens and most OIDC issuers): ")
    terminal.type("api://agent")

    assert terminal.process.wait(timeout=300) == 0, terminal.seen[-1500:]
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["auth"] == "jwt"
    assert answers["jwt_discovery_url"] == "https://issuer.example/.well-known/openid-configuration"
    assert answers["jwt_allowed_audiences"] == "api://agent"
    assert runtime_defaults(project)["auth"] == "jwt"
