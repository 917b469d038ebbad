"""Atomic, deterministic writes.

Every file the pipeline writes goes through here: the bytes go to a temporary file in the target's directory,
are flushed to disk, then renamed over the target (``os.replace`` is atomic on POSIX). A crash or an exception
half-way leaves the previous file untouched and no partial file behind.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `make setup` imports this module (via envlock) before pandas is installed
    import pandas as pd


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns ``path``.

    The temporary name is unique per call (``mkstemp``), so two processes writing the same target never share
    one. A full disk raises ``OSError(ENOSPC)`` whose ``filename`` is ``path`` (the file being written), after
    removing the temporary file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise with_path(exc, path) from None
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise with_path(exc, path) from None
        raise
    return path


def with_path(exc: OSError, path: Path) -> OSError:
    """The same error, naming the file being written (a full disk otherwise says only "No space left")."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OSError(exc.errno, "No space left on device (disk full) while writing", str(path))
    return exc


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write ``data`` unless ``path`` already holds exactly these bytes (keeps mtimes, so that
    Sphinx's incremental build sees no change). Returns True when written."""
    path = Path(path)
    if path.exists() and path.read_bytes() == data:
        return False
    atomic_write_bytes(path, data)
    return True


def atomic_write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically (``\\n`` line endings)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def json_text(obj: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def atomic_write_json(path: Path, obj: Any) -> Path:
    return atomic_write_text(path, json_text(obj))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Deterministic CSV bytes: no index, ``\\n`` endings, floats with ``repr`` precision, NaN as empty."""
    return frame.to_csv(index=False, lineterminator="\n", float_format=None).encode("utf-8")


def atomic_write_csv(path: Path, frame: pd.DataFrame) -> Path:
    return atomic_write_bytes(path, csv_bytes(frame))


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Delete the temporary files an interrupted atomic write can leave (``.<name>.*.tmp``) in ``directory``.

    Only a hard kill (SIGKILL, power loss) leaves them; the targets themselves are always whole files."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    stale = sorted(p for p in directory.glob(".*.tmp") if p.is_file())
    for p in stale:
        p.unlink(missing_ok=True)
    return stale
