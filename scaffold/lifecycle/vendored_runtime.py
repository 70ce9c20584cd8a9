"""Projects generated before the runtime became a library carry a copy of it in ``runtime_adapters/``.

The template no longer renders that directory, so copier's update deletes it, and the engine's usual rule
(a dropped file the user edited is kept) would keep only the edited files of it: half a package. This
module settles the copy as one unit after the merge:

- every vendored file is as the project's template version rendered it: the copy is removed, and the
  project now gets the same code from its ``agent-scaffold-runtime`` dependency (the merged
  ``pyproject.toml``);
- any vendored file differs: the whole copy is kept (the unedited files are put back too) and the report
  names the files that differ, so the owner can move the change to their own code or upstream, then
  delete the directory. The project's code imports ``agent_scaffold_runtime`` after the update either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import gitutil

VENDORED_DIR = "runtime_adapters"
DISTRIBUTION = "agent-scaffold-runtime"


@dataclass
class VendoredRuntime:
    removed: bool
    files: int
    differs: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"removed": self.removed, "files": self.files, "differs": self.differs}

    def lines(self) -> list[str]:
        if self.removed:
            return [
                f"  runtime   {VENDORED_DIR}/ removed ({self.files} files, unmodified): the project now "
                f"depends on {DISTRIBUTION} (pyproject.toml); install it with "
                "pip install --find-links \"$(scaffold runtime wheelhouse)\" -e '.[test]'"
            ]
        return [
            f"  runtime   {VENDORED_DIR}/ kept: {len(self.differs)} of its {self.files} files differ from "
            f"the copy the template vendored: {', '.join(self.differs)}. The project now imports "
            f"agent_scaffold_runtime from the {DISTRIBUTION} dependency, so these edits no longer run: move "
            f"them into your own modules (or propose them upstream), then delete {VENDORED_DIR}/"
        ]


def settle(root: Path, removed: list[str], kept: list[str]) -> VendoredRuntime | None:
    """Decide the fate of the vendored copy among the files the update dropped (``removed``) and the
    edited ones the engine put back (``kept``); both lists are updated in place."""
    prefix = f"{VENDORED_DIR}/"
    gone = [path for path in removed if path.startswith(prefix)]
    edited = [path for path in kept if path.startswith(prefix)]
    if not gone and not edited:
        return None
    if not edited:
        return VendoredRuntime(removed=True, files=len(gone))
    gitutil.restore_from_index(root, gone)  # keep the copy whole, not only its edited files
    removed[:] = [path for path in removed if path not in gone]
    kept[:] = [path for path in kept if path not in edited]
    return VendoredRuntime(removed=False, files=len(gone) + len(edited), differs=sorted(edited))
