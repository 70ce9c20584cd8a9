"""Make the seed locks: the pins this toolkit version ships for its template's default dependency sets.

A project's first package has no lock, so it resolves, which asks the package index (seconds, and the
answer drifts as releases appear). For a project whose inputs (dependency list, platform, Python version)
are exactly those of a ``--defaults`` project, this version of agent-scaffold already knows a resolution:
the files in ``seed_locks/``, one per target as ``scaffold package -t TARGET`` builds it by default, made
here with the same ``uv pip compile`` call and tested in CI with the toolkit that ships them. ``lock.resolve``
copies the matching one into the project, so the first package only installs; ``--upgrade`` resolves
instead, and a seed that no longer installs (a pin withdrawn from the index) is resolved over in the same
run. Any other inputs resolve as before.

Made again at release time, from a checkout with the index reachable::

    python -m scaffold.packaging.seeds            # rewrites scaffold/packaging/seed_locks/*.txt
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from .. import __version__
from ..project import Project, load_project
from .lock import KEY_PREFIX, SEED_DIR, compile_requirements, inputs_key, lock_name
from .platforms import DEFAULT_ARCH, DEFAULT_PYTHON, arch
from .target_deps import target_dependencies

#: The targets a ``--defaults`` project packages, each as ``scaffold package -t TARGET`` does by default.
SEEDED_TARGETS = ("agentcore", "lambda", "fastapi")


def write_seeds(project: Project, directory: Path = SEED_DIR) -> list[Path]:
    """Resolve each seeded target of ``project`` (a ``--defaults`` project) and write its seed lock."""
    uv_platform = arch(DEFAULT_ARCH).uv_platform
    written = []
    directory.mkdir(parents=True, exist_ok=True)
    for target in SEEDED_TARGETS:
        requirements = target_dependencies(project, target)
        key = inputs_key(requirements, uv_platform, DEFAULT_PYTHON)
        body = compile_requirements(project, requirements, uv_platform, DEFAULT_PYTHON)
        body = re.sub(r"requirements-\d+\.in", "requirements.in", body)  # uv names its input file; no pid
        path = directory / lock_name(target, uv_platform, DEFAULT_PYTHON)
        note = f"# seed lock of agent-scaffold {__version__}: a --defaults project, {target}, {uv_platform}"
        path.write_text(f"{KEY_PREFIX}{key}\n{note}, Python {DEFAULT_PYTHON}\n{body}", encoding="utf-8")
        written.append(path)
    return written


def main() -> int:
    import copier

    from ..templates import builtin_template

    with tempfile.TemporaryDirectory(prefix="scaffold-seeds-") as scratch:
        root = Path(scratch) / "my-agent"
        copier.run_copy(str(builtin_template()), root, defaults=True, quiet=True, unsafe=False)
        for path in write_seeds(load_project(root)):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
