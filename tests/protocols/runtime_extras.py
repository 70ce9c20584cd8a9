"""The runtime extras a generated project depends on, read from its pyproject.toml.

Since the runtime split, every SDK a project needs arrives as one extra of ``agent-scaffold-runtime`` in a
single requirement (``agent-scaffold-runtime[agentcore,mcp,a2a]``), so a test asks which extras are there,
not for a substring that depends on their order.
"""

from __future__ import annotations

import sys
from pathlib import Path

from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def runtime_extras(project_root: Path) -> set[str]:
    pyproject = tomllib.loads((project_root / "pyproject.toml").read_text())
    requirements = [Requirement(text) for text in pyproject["project"]["dependencies"]]
    [runtime] = [req for req in requirements if req.name == "agent-scaffold-runtime"]
    return set(runtime.extras)
