"""How a file named in an option identifies a run: by its content, never by where it lies.

A run's key must not change when the same study runs from another folder or machine, and must
change when a file's content does. So an input file (``Configurable.input_files``) appears in keys
as its name and a SHA-256 digest of its bytes; a directory (an image folder) as its name and a
digest of every file's relative path and bytes. A path that does not exist appears as its name.
Digests are computed once per process and path.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

DIGEST_LENGTH = 16
_CHUNK = 1 << 20


def _file_digest(path: Path, digest: hashlib._Hash) -> None:
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)


@functools.lru_cache(maxsize=256)
def _content_digest(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
            _file_digest(file, digest)
    else:
        _file_digest(path, digest)
    return digest.hexdigest()[:DIGEST_LENGTH]


def file_identity(value: object) -> object:
    """``"cifar10-jpeg.zip@sha256:1a2b..."`` for an existing path, the name for a missing one; any
    value that is not a non-empty string is returned as it is."""
    if not isinstance(value, str) or not value:
        return value
    path = Path(value).expanduser()
    try:
        if path.exists():
            return f"{path.name}@sha256:{_content_digest(path.resolve())}"
    except OSError:  # unreadable: identify it by name, the plugin reports the problem when it runs
        pass
    return path.name
