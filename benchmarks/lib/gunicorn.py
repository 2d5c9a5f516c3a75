"""The production gunicorn command, read from docs/operations.md, and its workers.

The benchmarks that run gunicorn (``bench_export_http.py``, ``bench_load.py``) start it with
exactly the documented command, only ``--bind`` changed to a free port on 127.0.0.1.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from lib.common import REPO


def documented_command(doc: Path = REPO / "docs" / "operations.md") -> list[str]:
    """The production gunicorn command of ``doc`` (its first line starting with ``gunicorn``).

    Parameters
    ----------
    doc : Path
        The operations guide.

    Returns
    -------
    list of str
        The command split like a shell would.

    Raises
    ------
    ValueError
        When the page holds no such line.
    """
    for line in doc.read_text().splitlines():
        if line.startswith("gunicorn "):
            return shlex.split(line)
    raise ValueError(f"{doc} has no line starting with 'gunicorn '")


def local_command(documented: list[str], port: int) -> list[str]:
    """``documented`` with the venv's gunicorn and ``--bind 127.0.0.1:PORT``.

    Parameters
    ----------
    documented : list of str
        From :func:`documented_command`.
    port : int
        The free loopback port.

    Returns
    -------
    list of str
    """
    cmd = [str(Path(sys.executable).parent / "gunicorn")]
    rest = iter(documented[1:])
    for arg in rest:
        if arg in ("--bind", "-b"):
            next(rest)
            continue
        if arg.startswith("--bind="):
            continue
        cmd.append(arg)
    return cmd[:-1] + ["--bind", f"127.0.0.1:{port}", cmd[-1]]


def workers(master: int) -> list[int]:
    """Process ids of the children of ``master`` (the gunicorn workers)."""
    path = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []
