"""Shared helpers of the benchmark modules: paths, units, logging, statistics, process memory."""

from __future__ import annotations

import math
import statistics
import sys
import time
from pathlib import Path

from lib import REPO

#: ``benchmarks/``: the entry scripts and the reports.
BENCH_DIR = REPO / "benchmarks"

#: The command-line entry point (run again with ``--probe-snapshot`` in a fresh interpreter).
RUN_SCRIPT = BENCH_DIR / "run.py"
#: Generated stores, server logs and the raw samples of the latest run (ignored by git).
WORK = BENCH_DIR / "work"
MB = 1024 * 1024
KB = 1024


def database_url(db: Path | str) -> str:
    """The SQLAlchemy URL of a benchmark store: a SQLite file's path, or a URL as given.

    Parameters
    ----------
    db : Path or str
        The SQLite file, or a database URL (``postgresql+psycopg://...``).

    Returns
    -------
    str
    """
    return db if isinstance(db, str) and "://" in db else f"sqlite:///{db}"


def log(message: str) -> None:
    """Print ``message`` to stderr with a wall-clock stamp, so a long run can be watched.

    Parameters
    ----------
    message : str
        The progress line.
    """
    stamp = time.strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples is the 29th smallest).

    Parameters
    ----------
    values : list of float
        The samples, in any order.
    pct : float
        The percentile, 0 to 100.

    Returns
    -------
    float
        The sample of that rank, or NaN when there are no samples.
    """
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict:
    """Count, median, nearest-rank p95, minimum and maximum of ``values``.

    Parameters
    ----------
    values : list of float
        The samples.

    Returns
    -------
    dict
        Keys ``n``, ``median``, ``p95``, ``min`` and ``max`` (NaN when there are no samples).
    """
    return {
        "n": len(values),
        "median": statistics.median(values) if values else float("nan"),
        "p95": percentile(values, 95),
        "min": min(values) if values else float("nan"),
        "max": max(values) if values else float("nan"),
    }


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS/VmHWM/... of a process from /proc/<pid>/status, in bytes.

    Parameters
    ----------
    pid : int or str, default "self"
        The process, or ``"self"`` for this one.

    Returns
    -------
    dict of str to int
        Every ``Vm*`` line given in kB, converted to bytes.
    """
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            name, _, rest = line.partition(":")
            if name.startswith("Vm"):
                parts = rest.split()
                if len(parts) == 2 and parts[1] == "kB":
                    out[name] = int(parts[0]) * 1024
    return out


def reset_peak_rss() -> bool:
    """Reset this process's VmHWM (Linux: write 5 to /proc/self/clear_refs).

    Returns
    -------
    bool
        Whether the kernel accepted the reset.
    """
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def fmt_bytes(n: float) -> str:
    """A byte count as B, KB or MB (binary units).

    Parameters
    ----------
    n : float
        Bytes.

    Returns
    -------
    str
        For example ``"71.0 KB"``.
    """
    if n >= MB:
        return f"{n / MB:,.2f} MB"
    if n >= KB:
        return f"{n / KB:,.1f} KB"
    return f"{n:,.0f} B"


def fmt_ms(x: float) -> str:
    """Milliseconds as ms, or as seconds from 10 s on; ``"n/a"`` for NaN.

    Parameters
    ----------
    x : float
        Milliseconds.

    Returns
    -------
    str
        For example ``"41.3 ms"`` or ``"12.5 s"``.
    """
    if x != x:  # nan
        return "n/a"
    return f"{x:,.1f} ms" if x < 10_000 else f"{x / 1000:,.1f} s"


def put_section(path: Path, section: str, start: str, end: str) -> None:
    """Put ``section`` (from marker ``start`` to marker ``end``) into the Markdown file ``path``.

    An earlier section between the same markers is replaced where it stands; otherwise the
    section is appended. Reports that several scripts write (``RESULTS.md``) keep each
    script's part this way.
    """
    text = path.read_text() if path.exists() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section.strip("\n") + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")
