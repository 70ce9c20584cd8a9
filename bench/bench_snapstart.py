"""Lambda SnapStart, simulated: the first answer after a restore vs a cold first answer, same run.

One generated project (defaults: offline model, SnapStart answered on), two zips built for this machine
(x86_64, this Python) as in ``bench_package``: ours (``scaffold package``) and the naive one (``pip install
-t`` + ``zip -r``). Each measurement is a fresh ``python -I -B`` process whose ``sys.path`` is the unzipped
package, then a stand-in for the Lambda runtime's own directory (the AWS SDK and ``snapshot_restore_py``):

- naive cold: import the handler module and answer once (what every new environment pays without
  SnapStart);
- ours cold: the same for our zip;
- ours restored: import the handler and run the before-snapshot hooks (Lambda does this once, when the
  version is published: not timed), then time the after-restore hooks and the first answer.

What cannot be measured here is AWS's own restore: resuming the snapshot's memory into a new micro-VM
before the hooks run. AWS documents it as typically well under a second and it depends on the snapshot's
size; the ratio below is the part our code controls.

    .venv/bin/python bench/bench_snapstart.py [--quick] [--json]

Target: first answer after the simulated restore <= 0.1x the naive cold first answer. Exits 0.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import _common as c  # bench/ is on sys.path when this file is run as a script
import bench_package as pkg

TARGET = 0.1
RUNTIME = (*pkg.RUNTIME_SDK, "snapshot-restore-py")

RESTORED = """
import sys, time
sys.path[:0] = {paths!r}
import snapshot_restore_py as hooks
from {package}.entrypoints.lambda_handler import handler
for fn, args, kwargs in reversed(hooks.get_before_snapshot()):
    fn(*args, **kwargs)
t = time.perf_counter()
for fn, args, kwargs in hooks.get_after_restore():
    fn(*args, **kwargs)
reply = handler({{"prompt": "hi"}}, None)
elapsed = time.perf_counter() - t
assert "You said: hi" in str(reply), reply
assert sys.modules["strands"].__file__.startswith({first!r}), sys.modules["strands"].__file__
print(elapsed)
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = c.parser("First answer after a simulated SnapStart restore vs cold starts.").parse_args(argv)
    rounds = 3 if args.quick else 7
    info = c.machine()
    with c.temp_dir("bench-snapstart-") as work, c.generated_project() as project:
        ours = pkg.build(project)
        naive, _ = pkg.naive_zip(project, work)
        runtime = pkg.runtime_stand_in(work / "var-runtime", RUNTIME)
        variants = {
            "naive zip, cold first answer": ([pkg.extract(naive, work / "naive"), runtime], pkg.COLD_START),
            "our zip, cold first answer": ([pkg.extract(ours.path, work / "ours"), runtime], pkg.COLD_START),
        }
        variants["our zip, first answer after restore"] = (
            variants["our zip, cold first answer"][0],
            RESTORED,
        )
        for paths, template in variants.values():  # warm-up: file cache, not counted
            pkg.cold_start(paths, project.package, template)
        times: dict[str, list[float]] = {label: [] for label in variants}
        labels = list(variants)
        for index in range(rounds):
            shift = index % len(labels)
            for label in labels[shift:] + labels[:shift]:
                paths, template = variants[label]
                times[label].append(pkg.cold_start(paths, project.package, template))

    medians = {label: c.median(values) for label, values in times.items()}
    naive_cold = medians["naive zip, cold first answer"]
    ratio = medians["our zip, first answer after restore"] / naive_cold
    targets = {
        f"first answer after restore <= {TARGET}x naive cold": {"value": ratio, "met": ratio <= TARGET}
    }
    result = {
        **c.run_header("snapstart", info, rounds),
        "seconds": {label: c.summary(values) for label, values in times.items()},
        "restored_vs_naive_cold": ratio,
        "targets": targets,
        "not_measured": "AWS's own snapshot restore (resuming the micro-VM) happens before the hooks run",
    }
    if c.emitted_as_json(
        args,
        result,
        f"SnapStart simulated on the Lambda zip (x86_64, Python {pkg.HOST_PYTHON}); median of {rounds}",
    ):
        return 0
    c.print_table(
        ["variant", "ms", "x naive cold"],
        [[label, f"{value * 1000:.1f}", f"{value / naive_cold:.3f}x"] for label, value in medians.items()],
    )
    print("\nNot measured here: AWS's restore of the snapshot itself, which happens before the hooks run.\n")
    c.print_targets(targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
