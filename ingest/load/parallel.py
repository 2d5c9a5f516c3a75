"""Prepared batches from a second process, so normalising overlaps with writing.

Reading and normalising (:func:`ingest.load.prepare.prepare`) need no database; the parent
process only accounts for rows and writes them. With two CPUs the two halves run at the
same time. The child is forked, so it shares the boundaries, gazetteer and taxonomy already
loaded (nothing is pickled but the prepared batches), and it never touches the database.
A bounded queue keeps memory flat: the child waits when the writer falls behind.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue as queue_errors
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import islice

from ingest.load.prepare import PreparedBatch, prepare
from ingest.normalise.record import Context
from ingest.sources.base import RawRow

#: Batches the child may run ahead of the writer.
AHEAD = 4
#: Rows below which a second process costs more than it saves.
MIN_ROWS = 50_000


def can_fork() -> bool:
    """True where a forked child can share the loaded boundaries (Linux, 2+ CPUs)."""
    return (sys.platform.startswith("linux") and (os.cpu_count() or 1) >= 2
            and "fork" in multiprocessing.get_all_start_methods())


def _batches(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def prepared_here(rows: Iterator[RawRow], ctx: Context,
                  batch_size: int) -> Iterator[PreparedBatch]:
    """Prepared batches, read and normalised in this process."""
    seen: Counter = Counter()
    batches = _batches(rows, batch_size)
    while True:
        started = time.perf_counter()
        batch = next(batches, None)
        read = time.perf_counter() - started
        if batch is None:
            return
        prepared = prepare(batch, ctx, seen)
        prepared.seconds["read"] += read
        yield prepared


class ChildFailed(RuntimeError):
    """The preparing process died or raised something that cannot be passed back."""


class _WriterGone(Exception):
    """The parent process died (killed, out of memory): nobody will read what comes next."""


def _put(out, item, parent: int) -> None:
    """Put ``item``, waiting while the queue is full, unless the parent has gone."""
    while True:
        try:
            out.put(item, timeout=1.0)
            return
        except queue_errors.Full:
            if os.getppid() != parent:
                raise _WriterGone from None


def _produce(rows, ctx: Context, batch_size: int, out, parent: int) -> None:
    """Child process: put ("batch", PreparedBatch) items, then ("done", None)."""
    try:
        for prepared in prepared_here(rows, ctx, batch_size):
            _put(out, ("batch", prepared), parent)
        _put(out, ("done", None), parent)
    except _WriterGone:
        out.cancel_join_thread()  # nothing will drain the pipe: exit without flushing
        return
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        try:
            pickle.dumps(exc)
            message = ("error", exc)
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            message = ("error", ChildFailed("".join(traceback.format_exception(exc))))
        try:
            _put(out, message, parent)
        except _WriterGone:
            out.cancel_join_thread()
            return
    out.close()
    out.join_thread()


def prepared_in_child(rows: Iterator[RawRow], ctx: Context,
                      batch_size: int) -> Iterator[PreparedBatch]:
    """Prepared batches made by a forked child process, in order.

    An exception in the child is raised here with its own type (a bad file stays a clear
    error); if the child dies without a word, :class:`ChildFailed` is raised. Closing the
    iterator early stops the child.
    """
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=AHEAD)
    child = context.Process(target=_produce,
                            args=(rows, ctx, batch_size, channel, os.getpid()),
                            name="incidentmap-ingest-prepare", daemon=True)
    child.start()
    try:
        while True:
            try:
                kind, payload = channel.get(timeout=1.0)
            except queue_errors.Empty:
                if not child.is_alive():
                    raise ChildFailed(f"the preparing process stopped (exit code "
                                      f"{child.exitcode}) before finishing") from None
                continue
            if kind == "done":
                return
            if kind == "error":
                raise payload
            yield payload
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=10)
        channel.close()


def prepared_batches(rows: Iterator[RawRow], ctx: Context, batch_size: int,
                     expected_rows: int | None, *,
                     parallel: bool | None = None) -> Iterator[PreparedBatch]:
    """Prepared batches of ``rows``, from a second process when that pays.

    Parameters
    ----------
    rows : iterator of RawRow
    ctx : Context
    batch_size : int
    expected_rows : int or None
        Estimated rows (None when unknown: prepared here).
    parallel : bool, optional
        Force (True) or forbid (False) the second process; by default it is used for
        ``MIN_ROWS`` rows or more where :func:`can_fork`.
    """
    if parallel is None:
        parallel = can_fork() and expected_rows is not None and expected_rows >= MIN_ROWS
    make: Callable = prepared_in_child if parallel and can_fork() else prepared_here
    return make(rows, ctx, batch_size)
