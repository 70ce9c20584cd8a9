"""SnapStart, simulated on the packaged zip: init, before-snapshot hooks, a restore, then the first answer.

Lambda takes the snapshot after the init phase and its before-snapshot hooks; a restored environment runs
the after-restore hooks and then its first invoke. A fresh process with only the zip and the runtime's own
directory on ``sys.path`` (as in ``test_lambda_runtime``) plays that sequence through the registry of
``snapshot_restore_py``, the library Lambda's runtime drives. What AWS's restore itself costs cannot be
measured here; what can be checked is that the snapshot would hold everything a first answer needs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold.packaging import Artifact

from .test_lambda_runtime import EVENTS, clean_env, runtime_dir, unzipped

pytestmark = pytest.mark.slow
__all__ = ["runtime_dir", "unzipped"]  # fixtures shared with test_lambda_runtime

LIFECYCLE = """
import importlib, json, random, sys
import snapshot_restore_py as hooks

module_name, handler_name = sys.argv[1].rsplit(".", 1)
module = importlib.import_module(module_name)
after_init = set(sys.modules)
for fn, args, kwargs in reversed(hooks.get_before_snapshot()):  # Lambda's order: reverse of registration
    fn(*args, **kwargs)
after_snapshot = set(sys.modules)
random.seed(1234)  # what every environment restored from one snapshot would share
for fn, args, kwargs in hooks.get_after_restore():
    fn(*args, **kwargs)
restored_draw = random.random()
random.seed(1234)
shared_draw = random.random()
before_invoke = set(sys.modules)
result = getattr(module, handler_name)(json.loads(sys.argv[2]), None)
print(json.dumps({
    "hooks": [len(hooks.get_before_snapshot()), len(hooks.get_after_restore())],
    "core_loaded_at_init": "strands" in after_init,
    "core_loaded_by_hooks": "strands" in after_snapshot,
    "new_on_first_invoke": sorted(set(sys.modules) - before_invoke),
    "reseeded": restored_draw != shared_draw,
    "result": result,
}))
"""


def run_lifecycle(task: Path, runtime: Path, tmp: Path, entrypoint: str, event: dict[str, object]) -> dict:
    done = subprocess.run(
        [sys.executable, "-S", "-c", LIFECYCLE, entrypoint, json.dumps(event)],
        env=clean_env(task, runtime, tmp), cwd=tmp, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    report: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def test_the_restored_function_answers_without_importing_anything(
    unzipped: Path, runtime_dir: Path, x86_artifact: Artifact, tmp_path: Path
) -> None:
    event = json.loads((EVENTS / "function_url.json").read_text())
    event["body"] = json.dumps({"prompt": "What is 6*7? Ask the calculator expression=6*7"})
    report = run_lifecycle(unzipped, runtime_dir, tmp_path, x86_artifact.entrypoint, event)

    assert report["hooks"] == [1, 1]
    assert not report["core_loaded_at_init"]  # without SnapStart the handler module stays light
    assert report["core_loaded_by_hooks"]  # with it, the snapshot holds Strands and the core
    assert report["new_on_first_invoke"] == []
    assert report["reseeded"]
    assert report["result"]["statusCode"] == 200
    assert "42" in json.loads(report["result"]["body"])["text"]
