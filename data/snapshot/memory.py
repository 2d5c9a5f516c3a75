"""How a web worker's memory is allocated: snapshots in their own mappings, requests from the heap.

A snapshot is hundreds of arrays of 1 to 8 MB at a million records, and so are the
temporaries of one filter change (a mask, the positions it selects, the gathered codes
``bincount`` counts: some 45 MB per render). glibc serves such blocks either from its heap,
where freed memory is kept for the next allocation, or from a mapping of their own, unmapped
on free and zeroed page by page by the kernel when made again. Two needs pull apart:

- a snapshot's arrays must go back to the system when the snapshot is replaced, or a worker
  that made a few snapshots would hold several (glibc's adaptive threshold put them in the
  heap after the first was freed);
- a request's temporaries should reuse memory: zeroing 45 MB of fresh pages cost 5 ms of a
  17 ms render at a million records (in process, SQLite, 2-core machine).

So while a snapshot is being made (:func:`snapshot_arrays`) blocks above 256 KB get their own
mappings, and otherwise (:func:`tune_for_requests`) blocks up to 32 MB come from the heap,
which keeps up to 32 MB free at its top; :func:`release_memory` returns the rest after each
snapshot replacement. glibc only; a no-op elsewhere.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import threading

#: glibc's ``mallopt`` parameters.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: Blocks above this get their own mapping while a snapshot is made.
SNAPSHOT_MMAP_BYTES = 256 * 1024
#: Blocks up to this come from the heap otherwise (glibc's largest threshold on 64 bits).
REQUEST_MMAP_BYTES = 32 * 1024 * 1024
#: Free memory the heap keeps at its top before giving it back on its own.
REQUEST_TRIM_BYTES = 32 * 1024 * 1024

_lock = threading.Lock()
_making = 0


def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc if libc is not None and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def _threshold(size: int) -> None:
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, size)


def tune_for_requests() -> None:
    """Let request temporaries reuse freed memory (unless a snapshot is being made)."""
    libc = _libc()
    if libc is None:
        return
    with _lock:
        libc.mallopt(_M_TRIM_THRESHOLD, REQUEST_TRIM_BYTES)
        if not _making:
            libc.mallopt(_M_MMAP_THRESHOLD, REQUEST_MMAP_BYTES)


@contextlib.contextmanager
def snapshot_arrays():
    """Within this block (in any thread), large blocks get mappings of their own.

    Used around making a snapshot, so that its arrays are unmapped when it is replaced;
    requests served meanwhile pay for fresh pages too. Nested and concurrent uses are
    counted: the heap is used again when the last one ends.
    """
    global _making
    with _lock:
        _making += 1
        if _making == 1:
            _threshold(SNAPSHOT_MMAP_BYTES)
    try:
        yield
    finally:
        with _lock:
            _making -= 1
            if not _making:
                _threshold(REQUEST_MMAP_BYTES)


def release_memory() -> None:
    """Return freed memory to the system (after a snapshot was replaced)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
