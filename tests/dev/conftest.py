"""Fixtures for ``scaffold dev``: generated projects, the real command in its own process group, Chromium.

The browser is Debian's Chromium (``/usr/bin/chromium``) driven by Playwright; ``.ci/run`` installs it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from scaffold.cli import cli
from tests.support.browser import launch_chromium
from tests.support.processes import wait_for_ok
from tests.support.servers import free_port

READY_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 90_000
CALCULATOR_PROMPT = "What is 6*7? Ask the calculator expression=6*7"
JWT_ANSWERS = (
    "--data",
    "auth=jwt",
    "--data",
    "jwt_discovery_url=https://issuer.example.com/.well-known/openid-configuration",
    "--data",
    "jwt_allowed_clients=production-client",
)


def scaffold_argv() -> list[str]:
    script = shutil.which("scaffold", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "scaffold"]


def generate(parent: Path, *args: str, name: str = "dev-agent") -> Path:
    result = CliRunner().invoke(
        cli, ["new", name, "--defaults", "--output", str(parent), *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return parent / name


def dev_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENT_", "AWS_", "SCAFFOLD_DEV"))}
    env["AGENT_MODEL_PROVIDER"] = "offline"
    return env


@dataclass
class DevServer:
    url: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    def info(self) -> dict[str, Any]:
        return httpx.get(f"{self.url}/_dev/info", timeout=5).json()


def wait_for_info(url: str, process: subprocess.Popen[str], timeout: float = READY_TIMEOUT_S) -> None:
    try:
        wait_for_ok(f"{url}/_dev/info", process, timeout)
    except RuntimeError as error:
        output = process.communicate()[0] if process.poll() is not None else ""
        raise RuntimeError(f"scaffold dev: {error}\n{output}") from None


@contextlib.contextmanager
def running_dev(project: Path, *args: str, **env: str) -> Iterator[DevServer]:
    """``scaffold dev ARGS`` in ``project``, in its own process group (the reloader and its worker)."""
    port = free_port()
    process = subprocess.Popen(
        [*scaffold_argv(), "dev", "--port", str(port), *args],
        cwd=project,
        env={**dev_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    server = DevServer(f"http://127.0.0.1:{port}", process)
    try:
        wait_for_info(server.url, process)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            out, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, _ = process.communicate(timeout=5)
        server.output.append(out or "")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for tests/dev, closed when the package is done: Playwright's sync API keeps an event
    loop running in the main thread while it is open, which later tests' ``asyncio.run`` would trip over."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@dataclass
class Playground:
    """A page on the playground, with every console error and uncaught exception it produced."""

    page: Page
    errors: list[str]

    def ask(self, prompt: str, *, turn: int) -> Any:
        """Send ``prompt`` and wait until turn number ``turn`` (1-based) is finished; return its locator."""
        self.page.fill("#prompt", prompt)
        self.page.press("#prompt", "Enter")
        finished = self.page.locator("#turns > .turn").nth(turn - 1)
        finished.locator(".metrics [data-metric=latency]").wait_for()
        return finished

    def current_session(self) -> str | None:
        """The id of the session the sidebar marks as current."""
        return self.page.locator("#sessions li.current").get_attribute("data-session-id")

    def history(self) -> str:
        """Open the stored-history panel of the current session; return its text once it has loaded."""
        self.page.click("#show-history")
        self.page.locator("#history li").first.wait_for()
        return self.page.locator("#history").inner_text()


@pytest.fixture
def open_playground(browser: Browser) -> Iterator[Callable[[str], Playground]]:
    contexts = []

    def open_page(url: str) -> Playground:
        context = browser.new_context()
        context.set_default_timeout(PAGE_TIMEOUT_MS)  # a first turn imports the agent core: slow when busy
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]")
        return Playground(page, errors)

    yield open_page
    for context in contexts:
        context.close()
