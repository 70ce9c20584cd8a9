"""Shared test setup: every test runs offline (offline model, sessions in a temporary directory, anonymous
callers, nothing exported), whatever the project's production answers are. Tests of a feature (auth,
memory, telemetry, the delegation limit) set their own variables on top.

The fixtures ``entrypoint(target)``, ``invoke(target, prompt)`` and ``request_log`` come from the
runtime's pytest plugin ``agent_scaffold_runtime.pytest_fixtures``; ``agent_package`` names the package.
"""

from __future__ import annotations

import pytest
from agent_scaffold_runtime.testing import offline_environment

pytest_plugins = ["agent_scaffold_runtime.pytest_fixtures"]


@pytest.fixture(scope="session")
def agent_package() -> str:
    """The package whose entrypoints the plugin's ``entrypoint`` and ``invoke`` fixtures load."""
    return "research_orchestrator"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test offline (``agent_scaffold_runtime.testing.offline_environment`` says what it sets), and the
    orchestrator's own settings: the default delegation limit, no scripted turns.

    The offline model's rules: a prompt that names a tool calls it (``math_specialist: 6*7``), then the
    answer is ``The math_specialist tool returned: ...``; any other prompt is echoed as
    ``You said: <prompt>``.
    """
    offline_environment(monkeypatch, tmp_path_factory)
    for name in ("ORCHESTRATOR_MAX_DELEGATIONS", "ORCHESTRATOR_OFFLINE_SCRIPT"):
        monkeypatch.delenv(name, raising=False)
