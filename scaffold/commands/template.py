"""``scaffold template validate|import|versions|compose``: for template maintainers and platform teams."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import click

from ..errors import BadInput, ScaffoldError
from ._common import dir_option

GROUP_EPILOG = """\b
Examples:
  scaffold template validate builtin                  # the built-in template (what CI runs)
  scaffold template validate ./acme-layer --json      # an organisation layer
  scaffold template compose ./acme-layer -o composed  # the layer + its base as one copier template
  scaffold template versions                          # built-in versions in this machine's cache
  scaffold template import agent_scaffold-0.1.0-py3-none-any.whl

\b
See docs/platform-teams.md for organisation layers and docs/lifecycle.md for versions."""


@click.group("template", epilog=GROUP_EPILOG, short_help="Validate, compose and version templates.")
def template() -> None:
    """Validate templates and layers, compose layers, and manage the cached built-in versions."""


VALIDATE_EPILOG = """\b
Examples:
  scaffold template validate builtin                    # what CI runs (8 projects)
  scaffold template validate ./acme-layer -c everything # one combination
  scaffold template validate https://git.example.com/layer.git@v1.2.0 --json
  scaffold template validate ./acme-layer --keep /tmp/projects   # keep the projects to look at"""


@template.command(
    "validate", epilog=VALIDATE_EPILOG, short_help="Render a covering set of answers and test each project."
)
@click.argument("source", metavar="SRC")
@click.option("--combination", "-c", "only", multiple=True, metavar="NAME", help="Only these combinations.")
@click.option(
    "--jobs", "-j", type=click.IntRange(1, 32), default=None, help="Parallel checks.  [default: 2-4]"
)
@dir_option("--keep", help="Keep the projects in DIR.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def validate_command(
    source: str, only: Sequence[str], jobs: int | None, keep: Path | None, as_json: bool
) -> None:
    """Validate SRC (builtin, a copier template or a layer: path or git URL[@REF]).

    Renders a covering set of answer combinations (every value of every question at least once, plus
    the pairs that interact), checks that no unrendered {{ }} {% %} [% %] remains, runs ruff and each
    generated project's own tests, and prints a pass/fail table. Exit code 1 if any combination fails.
    A layer that forces IAM guardrails (iam: in layer.yml) is reported below the table (and as
    forced_iam with --json).
    """
    from ..lifecycle.combinations import covering_set
    from ..lifecycle.report import forced_iam_line, validation_json, validation_table
    from ..lifecycle.validate import require_tools, validate
    from ..lifecycle.validation_source import validation_source

    require_tools()
    with tempfile.TemporaryDirectory(prefix="scaffold-validate-") as scratch:
        work = keep.absolute() if keep else Path(scratch)
        target = validation_source(source, Path(scratch) / "template")
        combos = covering_set(target.questions, target.forced)
        if only:
            unknown = [name for name in only if name not in combos]
            if unknown:
                raise BadInput(f"No combination {unknown[0]!r}; choose from: {', '.join(combos)}.")
            combos = {name: combos[name] for name in only}
        click.echo(f"Validating {target.display}: {len(combos)} combinations", err=True)
        results = validate(
            target.src_path,
            target.vcs_ref,
            combos,
            workdir=work / "projects",
            jobs=jobs or 0,
            progress=lambda line: click.echo(line, err=True),
        )
    if as_json:
        report = validation_json(results, target.display, target.forced_iam)
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        click.echo(validation_table(results))
        if target.forced_iam:
            click.echo(forced_iam_line(target.layer_name, target.forced_iam))
    if not all(result.passed for result in results):
        failed = sum(not result.passed for result in results)
        raise ScaffoldError(f"{target.display}: {failed} of {len(results)} combinations failed (see above).")


@template.command(
    "compose",
    epilog="\b\nExample:\n  scaffold template compose ./acme-layer -o ../acme-agent-template",
    short_help="Write a layer composed with its base as one copier template.",
)
@click.argument("layer", metavar="LAYER")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="An absent directory.",
)
def compose_command(layer: str, output: Path) -> None:
    """Compose LAYER (path or git URL[@REF]) with its pinned base into DIR, e.g. to publish as a git repo."""
    from ..lifecycle.validation_source import validation_source

    if output.exists():
        raise BadInput(f"{output} already exists; name a new directory.")
    with tempfile.TemporaryDirectory(prefix="scaffold-compose-") as scratch:
        target = validation_source(layer, Path(scratch) / "template")
        if not target.is_layer:
            raise BadInput(f"{layer} is not an organisation layer (no layer.yml).")
        shutil.copytree(target.src_path, output, symlinks=True)
    click.echo(f"Wrote {target.display} to {output}; publish it as a git repository with a v<version> tag.")


@template.command(
    "versions",
    epilog="\b\nExample:\n  scaffold template versions --json",
    short_help="List the built-in template versions in this machine's cache.",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def versions_command(as_json: bool) -> None:
    """List cached built-in versions, and the git config that lets plain copier read scaffold:// URLs."""
    from ..lifecycle import builtin
    from ..lifecycle.cache import url_rewrites

    builtin.ensure_installed()
    found = builtin.versions()
    config = [
        f'git config --global url."{path}".insteadOf {prefix}' for prefix, path in url_rewrites().items()
    ]
    if as_json:
        click.echo(
            json.dumps({"repository": str(builtin.repo_path()), "versions": found, "git_config": config})
        )
        return
    click.echo(f"Built-in template versions in {builtin.repo_path()}: {', '.join(found)}")
    click.echo("For plain copier to resolve scaffold:// template URLs on this machine:")
    click.echo("\n".join(f"  {line}" for line in config))


@template.command(
    "import",
    epilog="\b\nExamples:\n  scaffold template import agent_scaffold-0.1.0-py3-none-any.whl\n"
    "  scaffold template import ~/src/agent-scaffold        # a checkout at that version",
    short_help="Add another toolkit version's built-in template to the cache.",
)
@click.argument("path", type=click.Path(exists=True, path_type=Path), metavar="PATH")
def import_command(path: Path) -> None:
    """Add the built-in template of the agent-scaffold at PATH (a checkout, package dir or .whl).

    Needed when a project was generated by a toolkit version this machine never ran: copier has to
    render that exact version again as the base of every update.
    """
    from ..lifecycle import builtin

    version, tag = builtin.import_toolkit(path)
    click.echo(
        f"Built-in template of agent-scaffold {version} is available as {tag} in {builtin.repo_path()}."
    )
