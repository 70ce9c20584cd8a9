"""A reproducible zip: the same entries give the same bytes, on any day and under any umask.

Entries are written in sorted order with a fixed timestamp (1980-01-01, the earliest a zip can hold), Unix
attributes normalised to 0644/0755, and no directory entries. Members that are already compressed (gzip'd
botocore models, images) are stored rather than deflated again: no smaller, only slower. The file is
written beside its destination and renamed, so a reader never sees half a zip.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_STORED_SUFFIXES = (".gz", ".zip", ".whl", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".xz", ".bz2", ".zst")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Entry:
    arcname: str
    source: Path
    executable: bool = False


def write_zip(entries: Iterable[Entry], destination: Path) -> tuple[str, int]:
    """Write ``entries`` to ``destination``; return (sha256 hex, size in bytes) of the zip."""
    ordered = sorted(entries, key=lambda entry: entry.arcname)
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(temporary, "w", allowZip64=True) as archive:
            for entry in ordered:
                _add(archive, entry)
        digest = file_sha256(temporary)
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)
    return digest, destination.stat().st_size


def _info(entry: Entry) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(entry.arcname, date_time=FIXED_DATE)
    info.create_system = 3  # Unix, so the permission bits below are honoured by unzip and by Lambda
    mode = 0o755 if entry.executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    # zlib's default level (6) for deflated members: fixed, so the bytes are too.
    stored = entry.arcname.endswith(_STORED_SUFFIXES)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return info


def _add(archive: zipfile.ZipFile, entry: Entry) -> None:
    info = _info(entry)
    info.file_size = entry.source.stat().st_size  # lets zipfile decide on zip64 for this member up front
    large = info.file_size > 2**31
    with entry.source.open("rb") as source, archive.open(info, "w", force_zip64=large) as sink:
        while chunk := source.read(_CHUNK):
            sink.write(chunk)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
