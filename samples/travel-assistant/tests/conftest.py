"""Shared test setup: every test runs offline (offline model, sessions and bookings in temporary directories,
anonymous callers, nothing exported), whatever the project's production answers are. Tests of a feature (auth,
memory, telemetry, the travel desk) set their own variables on top.

The fixtures ``entrypoint(target)``, ``invoke(target, prompt)``, ``request_log`` and ``issuer`` come from
the runtime's pytest plugin ``agent_scaffold_runtime.pytest_fixtures``; ``agent_package`` names the package.
"""

from __future__ import annotations

import pytest
from agent_scaffold_runtime.testing import offline_environment

pytest_plugins = ["agent_scaffold_runtime.pytest_fixtures"]


@pytest.fixture(scope="session")
def agent_package() -> str:
    """The package whose entrypoints the plugin's ``entrypoint`` and ``invoke`` fixtures load."""
    return "travel_assistant"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test offline (``agent_scaffold_runtime.testing.offline_environment`` says what it sets), and the
    travel desk's own settings: bookings in a temporary directory, the real date, local tools, no scripted
    turns.

    The offline model's rules: a prompt that names a tool calls it (``get_cars city=CHI``), then the answer
    is ``The get_cars tool returned: ...``; any other prompt is echoed as ``You said: <prompt>``.
    """
    offline_environment(monkeypatch, tmp_path_factory)
    monkeypatch.setenv("TRAVEL_BOOKINGS_DIR", str(tmp_path_factory.mktemp("bookings")))
    for name in ("TRAVEL_TODAY", "TRAVEL_TOOLS_URL", "TRAVEL_OFFLINE_SCRIPT"):
        monkeypatch.delenv(name, raising=False)
