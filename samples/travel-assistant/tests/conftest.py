"""Shared test setup: every test runs offline (offline model, sessions and bookings in temporary directories,
anonymous callers, nothing exported), whatever the project's production answers are. Tests of a feature (auth,
memory, telemetry, the travel desk) set their own variables on top.

The runtime's pytest plugin ``agent_scaffold_runtime.pytest_fixtures`` gives the tests their fixtures:
``entrypoint(target)`` (the target's entrypoint module, imported afresh once the test's environment is set),
``invoke(target, prompt, ...)`` (one request to that target), ``request_log`` and ``issuer`` (a local
OpenID issuer); ``agent_package`` below tells it which package is the project's.
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
