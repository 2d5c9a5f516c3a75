"""Writing a download to a file: incrementally, atomically, with its size and SHA-256."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


@dataclass(frozen=True)
class Written:
    """What was written: bytes and the hex SHA-256 digest."""

    size: int
    sha256: str


def write_stream(chunks: Iterable[bytes], out: BinaryIO) -> Written:
    """Write ``chunks`` to an open binary file as they come.

    Returns
    -------
    Written
    """
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        out.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    out.flush()
    return Written(size, digest.hexdigest())


def write_file(chunks: Iterable[bytes], path: Path) -> Written:
    """Write ``chunks`` to ``path`` through a ``.partial`` file renamed at the end.

    An interrupted export leaves no file that looks complete.

    Parameters
    ----------
    chunks : iterable of bytes
    path : pathlib.Path

    Returns
    -------
    Written
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "wb") as out:
            written = write_stream(chunks, out)
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written
