"""``scaffold runtime wheelhouse``: where the toolkit keeps the runtime library's wheel, for ``pip``."""

from __future__ import annotations

import json

import click

RUNTIME_EPILOG = """\b
Examples:
  scaffold runtime wheelhouse                  # print the directory holding agent-scaffold-runtime
  pip install --find-links "$(scaffold runtime wheelhouse)" -e '.[test]'
  scaffold runtime wheelhouse --json           # directory, wheel file, version, sha256"""

WHEELHOUSE_EPILOG = """\b
Examples:
  python -m venv --upgrade-deps .venv          # a current pip (before 26 it may fail to resolve)
  .venv/bin/pip install --find-links "$(scaffold runtime wheelhouse)" -e '.[test]'
  scaffold runtime wheelhouse --json

\b
Once agent-scaffold-runtime is on your package index, plain `pip install -e '.[test]'` works too;
scaffold package and deploy use this directory themselves."""


@click.group("runtime", epilog=RUNTIME_EPILOG, short_help="The runtime library projects depend on.")
def runtime() -> None:
    """The runtime library (agent-scaffold-runtime) that generated projects depend on."""


@runtime.command(
    "wheelhouse", epilog=WHEELHOUSE_EPILOG, short_help="Print the directory holding the runtime wheel."
)
@click.option("--json", "as_json", is_flag=True, help="Print directory, wheel, version and sha256 as JSON.")
def wheelhouse(as_json: bool) -> None:
    """Build the wheel of the runtime this toolkit ships (once; again only when it changes) into scaffold's
    cache, and print that directory: pass it to pip's --find-links on a machine whose package index does
    not have agent-scaffold-runtime."""
    from ..packaging.wheelhouse import ensure_runtime_wheel

    wheel = ensure_runtime_wheel()
    if as_json:
        click.echo(json.dumps(wheel.to_json(), indent=2))
    else:
        click.echo(str(wheel.directory))
