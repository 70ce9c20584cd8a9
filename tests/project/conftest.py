from __future__ import annotations

from pathlib import Path

import copier
import pytest

TEMPLATE = Path(__file__).parent.parent.parent / "templates" / "agent"


@pytest.fixture(scope="session")
def generated_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project generated from the built-in template with defaults (all four targets)."""
    destination = tmp_path_factory.mktemp("generated") / "portable-agent"
    copier.run_copy(
        str(TEMPLATE),
        destination,
        data={"project_name": "portable-agent"},
        defaults=True,
        quiet=True,
        unsafe=False,
    )
    return destination
