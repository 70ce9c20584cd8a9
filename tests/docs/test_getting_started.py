"""Every command of ``docs/getting-started.md`` runs, in the page's order, and prints what the page says.

The ``sh`` blocks run in one ``bash`` session (so ``cd my-agent`` carries over), exactly as written, with two
things the page describes in words rather than commands: the ``scaffold serve`` block is started in the
background (the page runs the next command "from a second terminal") and the session waits for its
``/ping``; and the port is a free one instead of 8000, in both the serve and the invoke command, so the test
never collides with another server.

The install block (``python3 -m venv ... pip install -e . pytest``) builds a virtual environment from PyPI,
which takes minutes, so two tests share the work: the fast one runs every other block with this
environment's ``scaffold`` and ``python`` (where that install has already happened), and the one marked
``slow`` runs the whole page, install included, on a fresh copy of the repository (as
``tests/test_readme_quickstart.py`` does for the README). CI runs both.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pip_env import PIP_TEST_ENV
from tests.support.servers import free_port
from tests.test_readme_quickstart import copy_worktree

ROOT = Path(__file__).resolve().parent.parent.parent
PAGE = ROOT / "docs" / "getting-started.md"
DOC_PORT = "8000"
WAIT_FOR_PING = """python - "$1" <<'PY'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/ping"
deadline = time.monotonic() + 60
while True:
    try:
        urllib.request.urlopen(url, timeout=1)
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("the server did not answer /ping")
        time.sleep(0.1)
PY"""


def blocks() -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.+?)\n```", PAGE.read_text(), re.S)]


def is_install(block: str) -> bool:
    return "pip install" in block


def is_server(block: str) -> bool:
    return block.startswith("scaffold serve")


def session_script(commands: list[str], port: int) -> str:
    """One bash script running ``commands`` in order, the server in the background, the port replaced."""
    lines = ["set -euo pipefail", f"wait_for_ping() {{\n{WAIT_FOR_PING}\n}}"]
    for block in commands:
        block = block.replace(f"--port {DOC_PORT}", f"--port {port}").replace(f":{DOC_PORT}", f":{port}")
        if is_server(block):
            lines += [
                f"{block} > serve.log 2>&1 &",
                "SERVER=$!",
                "trap 'kill $SERVER 2>/dev/null || true' EXIT",
                f"wait_for_ping {port}",
            ]
        else:
            lines.append(block)
    return "\n".join(lines) + "\n"


def run_page(commands: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", session_script(commands, free_port())],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )


def clean_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith(("AGENT_", "AWS_"))
    }
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env.update(PIP_TEST_ENV)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def check_output(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    out = result.stdout
    assert "The calculator tool returned: 42" in out  # step 3
    assert re.search(r"^\d+ passed", out, re.M), out[-3000:]  # step 4, the project's own tests
    assert "failed" not in out and "skipped" not in out
    assert out.rstrip().endswith("You said: Hello")  # step 5, streamed from the server


def test_the_page_is_install_create_ask_test_serve_invoke() -> None:
    found = blocks()

    assert [is_install(block) for block in found] == [True] + [False] * (len(found) - 1)
    assert sum(is_server(block) for block in found) == 1
    assert any(block.startswith("scaffold invoke") for block in found)
    assert f"--port {DOC_PORT}" in next(block for block in found if is_server(block))


def test_every_command_after_the_install_works(tmp_path: Path) -> None:
    """This environment has what the install block installs: the toolkit, its dependencies, pytest."""
    commands = [block for block in blocks() if not is_install(block)]

    result = run_page(commands, tmp_path, clean_env())

    check_output(result)
    assert (tmp_path / "my-agent" / "my_agent" / "agent.py").is_file()


@pytest.mark.slow
def test_the_whole_page_works_on_a_fresh_checkout(tmp_path: Path) -> None:
    tree = tmp_path / "agent-scaffold"
    copy_worktree(tree)

    result = run_page(blocks(), tree, clean_env())

    check_output(result)
    assert (tree / ".venv" / "bin" / "scaffold").is_file()
    assert (tree / "my-agent" / "my_agent" / "agent.py").is_file()
