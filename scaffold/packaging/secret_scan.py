"""Which project files hold a secret: by name (well-known credential files) and by content (detect-secrets).

A name filter alone lets through what a review found in shipped artifacts: an access key pair pasted into
``notes.txt``, an API key in ``secrets.json``, a service-account key saved under any name. So every file that
would ship is also scanned with detect-secrets (Yelp's scanner, the one pre-commit hooks use): every plugin
it ships except ``IPPublicDetector`` (a public address is not a credential), with its default filters, so
``# pragma: allowlist secret`` on a line works as it does in detect-secrets itself. A finding is named by
the plugin that made it (``AWSKeyDetector``); a name rule by its pattern (``name .npmrc``). The entropy
heuristics (``Base64HighEntropyString``, ``HexHighEntropyString``) name a file only when no detector that
knows the kind of secret did: they say a string looks random, a named detector says what it is. That also
keeps a file's rule the same under either distribution of the ``detect_secrets`` package: checkov depends
on Bridgecrew's fork (``bc-detect-secrets``), which installs over Yelp's under the same import name and
whose entropy plugins also match unquoted values.

Scanning costs tens of milliseconds a file, so results are cached under the cache directory, keyed by the
file's content hash and name (detect-secrets' filters look at the name), in a table per fingerprint of the
rules (the version of the ``detect_secrets`` code that runs, whichever distribution installed it, and the
plugin list): a re-package with no change reads one JSON file and never imports detect-secrets.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path

import pathspec

from ..cache_dir import cache_root

NAME_RULES = (
    # environment files, keys and keystores
    ".env*",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    # tool credential stores
    ".aws/",
    ".ssh/",
    ".gnupg/",
    ".docker/",
    ".dockercfg",
    "credentials",
    "credentials.json",
    ".netrc",
    ".pypirc",
    ".npmrc",
    ".git-credentials",
    ".pgpass",
    ".htpasswd",
    # files made to hold secrets: Terraform state keeps every resource attribute (passwords included)
    "secrets.json",
    "secrets.yaml",
    "secrets.yml",
    "secrets.toml",
    "*.tfstate",
    "*.tfstate.*",
)
NAME_SPECS = tuple((rule, pathspec.GitIgnoreSpec.from_lines([rule])) for rule in NAME_RULES)
_ANY_NAME_RULE = pathspec.GitIgnoreSpec.from_lines(NAME_RULES)  # one pass for the common case: no match
SCAN_LAYOUT = 3  # bump when what a cached result means changes
LEFT_OUT_PLUGINS = ("IPPublicDetector",)
ENTROPY_PLUGINS = frozenset({"Base64HighEntropyString", "HexHighEntropyString"})


def name_rule(rel: str) -> str | None:
    """The first name rule ``rel`` matches (``.env*``), or None."""
    if not _ANY_NAME_RULE.match_file(rel):
        return None
    for rule, spec in NAME_SPECS:
        if spec.match_file(rel):
            return rule
    return None


def detect_secrets_version() -> str:
    """The version of the ``detect_secrets`` code that is imported: Yelp's ``detect-secrets`` and
    Bridgecrew's ``bc-detect-secrets`` (a checkov dependency) install the same package, and the last one
    installed wins, so the distribution's metadata alone does not say which code scans."""
    try:
        from detect_secrets.__version__ import VERSION
    except ImportError:  # a layout without the module: the distribution's own record
        return metadata.version("detect-secrets")
    return str(VERSION)


def plugin_names() -> list[str]:
    names = set(_plugin_of_secret_type().values())
    return sorted(names - set(LEFT_OUT_PLUGINS))


def _plugin_of_secret_type() -> dict[str, str]:
    """detect-secrets' secret types (``AWS Access Key``) and the plugin finding each (``AWSKeyDetector``)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    plugins: dict[str, type] = get_mapping_from_secret_type_to_class()
    return {kind: plugin.__name__ for kind, plugin in plugins.items()}


def scan_contents(files: Sequence[tuple[Path, str]]) -> dict[Path, tuple[str, ...]]:
    """For each ``(path, sha256 of its content)``: the detect-secrets plugins that found a secret in it
    (empty: none). Cached by content hash and file name."""
    table = _cache_path()
    cached = _load(table)
    found: dict[Path, tuple[str, ...]] = {}
    missing: list[tuple[Path, str]] = []
    for path, digest in files:
        hit = cached.get(_key(path, digest))
        if hit is None:
            missing.append((path, digest))
        else:
            found[path] = tuple(hit)
    if missing:
        scanned = _scan(path for path, _ in missing)
        fresh = {_key(path, digest): list(scanned[path]) for path, digest in missing}
        _store(table, fresh)
        found.update({path: scanned[path] for path, _ in missing})
    return found


def _scan(paths: Iterable[Path]) -> dict[Path, tuple[str, ...]]:
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import transient_settings

    plugin_of = _plugin_of_secret_type()
    results: dict[Path, tuple[str, ...]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="scaffold-scan-") as scratch,
        transient_settings({"plugins_used": [{"name": name} for name in plugin_names()]}),
    ):
        for path in paths:
            readable = _as_utf8(path, Path(scratch))
            found = {plugin_of[secret.type] for secret in scan_file(str(readable))}
            results[path] = tuple(sorted(found - ENTROPY_PLUGINS or found))
    return results


def _as_utf8(path: Path, scratch: Path) -> Path:
    """``path``, or a UTF-8 copy of it under the same name when it is text in another encoding.

    detect-secrets skips a file it cannot decode as UTF-8 whole, so a key pasted into a Latin-1 or
    Windows-1252 notes file would ship unseen. A file with a NUL byte in its first 8 KB is binary and
    left to detect-secrets as it is."""
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return path
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        copy = scratch / f"{len(list(scratch.iterdir()))}" / path.name
        copy.parent.mkdir()
        copy.write_text(data.decode("latin-1"), encoding="utf-8")
        return copy
    return path


def _key(path: Path, digest: str) -> str:
    return f"{digest}:{path.name}"


def _cache_path() -> Path:
    fingerprint = json.dumps(
        {"detect-secrets": detect_secrets_version(), "left out": LEFT_OUT_PLUGINS, "layout": SCAN_LAYOUT}
    )
    name = hashlib.sha256(fingerprint.encode()).hexdigest()[:24]
    return cache_root() / "secret-scan" / f"{name}.json"


def _load(table: Path) -> dict[str, list[str]]:
    try:
        data = json.loads(table.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # absent or torn: scan again, which rewrites it
        return {}
    return data if isinstance(data, dict) else {}


def _store(table: Path, fresh: dict[str, list[str]]) -> None:
    """Merge into what is on disk now (another build may have added to it) and replace atomically."""
    table.parent.mkdir(parents=True, exist_ok=True)
    merged = {**_load(table), **fresh}
    temporary = table.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(merged, sort_keys=True), encoding="utf-8")
    os.replace(temporary, table)
