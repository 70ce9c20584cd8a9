from __future__ import annotations

from pathlib import Path
from typing import Any

import copier
import pytest

TEMPLATE = Path(__file__).parent.parent.parent / "templates" / "agent"


def generate(destination: Path, **answers: Any) -> Path:
    """A project generated at ``destination`` from the built-in template: ``answers``, the defaults else."""
    copier.run_copy(str(TEMPLATE), destination, data=answers, defaults=True, quiet=True, unsafe=False)
    return destination


@pytest.fixture(scope="session")
def generated_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project generated from the built-in template with defaults (all four targets)."""
    return generate(tmp_path_factory.mktemp("generated") / "portable-agent", project_name="portable-agent")
