"""Where the template comes from: the built-in one shipped with scaffold, or one the user names.

The built-in template lives at ``templates/agent`` in the repository (an editable install finds it next to the
package) and at ``scaffold/_builtin_templates/agent`` inside a wheel (pyproject force-includes it there).
"""

from __future__ import annotations

from pathlib import Path

from .errors import TemplateFailure

_PACKAGE_DIR = Path(__file__).resolve().parent
BUILTIN_TEMPLATE_CANDIDATES = (
    _PACKAGE_DIR / "_builtin_templates" / "agent",  # installed from a wheel
    _PACKAGE_DIR.parent / "templates" / "agent",  # editable install / source checkout
)
_COPIER_CONFIG_FILES = ("copier.yml", "copier.yaml")
_REMOTE_PREFIXES = ("gh:", "gl:", "git@", "git+", "http://", "https://", "ssh://", "file://")


def is_copier_template(path: Path) -> bool:
    return any((path / name).is_file() for name in _COPIER_CONFIG_FILES)


def builtin_template() -> Path:
    """The first candidate that holds a copier template; the wheel layout wins over a source checkout."""
    for candidate in BUILTIN_TEMPLATE_CANDIDATES:
        if is_copier_template(candidate):
            return candidate
    searched = ", ".join(str(path) for path in BUILTIN_TEMPLATE_CANDIDATES)
    raise TemplateFailure(
        f"The built-in template is missing (looked in {searched}); "
        "reinstall agent-scaffold or pass --template."
    )


def resolve_template(source: str | None) -> str:
    """A copier ``src_path``: the built-in template, a local directory (made absolute) or a git URL."""
    if source is None:
        return str(builtin_template())
    if source.startswith(_REMOTE_PREFIXES):
        return source
    path = Path(source).expanduser()
    if not path.is_dir():
        raise TemplateFailure(f"Template not found: {source} is not a directory (nor a gh:/git URL).")
    if not is_copier_template(path):
        raise TemplateFailure(f"{source} is not a copier template: it has no copier.yml.")
    return str(path.resolve())
