"""A write-only file object whose bytes are handed on as they come (streaming containers).

Zip (XLSX, data package) and Parquet writers want a file; giving them a :class:`Spool` and
draining it after each batch streams their output without holding the whole file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

CHUNK = 1 << 20


class Spool:
    """Collects written bytes until :meth:`drain` takes them; not seekable, tells its size."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._size = 0
        self.closed = False

    def write(self, data) -> int:
        """Keep ``data``; returns its length."""
        data = bytes(data)
        self._parts.append(data)
        self._size += len(data)
        return len(data)

    def tell(self) -> int:
        """Bytes written so far."""
        return self._size

    def flush(self) -> None:
        """Nothing to flush: bytes wait for :meth:`drain`."""

    def writable(self) -> bool:
        """Always writable."""
        return True

    def seekable(self) -> bool:
        """Never seekable (zip writers then use data descriptors)."""
        return False

    def close(self) -> None:
        """Mark closed; undrained bytes stay available to :meth:`drain`."""
        self.closed = True

    def drain(self) -> bytes:
        """The bytes written since the last drain."""
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def file_chunks(path: Path, *, remove: bool = False) -> Iterator[bytes]:
    """Read ``path`` in 1 MiB chunks; with ``remove``, delete it afterwards (or on close).

    Parameters
    ----------
    path : pathlib.Path
    remove : bool
        Delete the file when the generator finishes or is closed early.

    Yields
    ------
    bytes
    """
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    finally:
        if remove:
            Path(path).unlink(missing_ok=True)


def temporary_path(suffix: str) -> Path:
    """A fresh path in the temporary folder (the file does not exist yet)."""
    import tempfile

    handle, name = tempfile.mkstemp(prefix="incidentmap-export-", suffix=suffix)
    os.close(handle)
    os.unlink(name)
    return Path(name)
