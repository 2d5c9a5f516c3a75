"""What a benchmark run was measured on: the machine, the library versions, the code, the load."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path

import numpy as np

from lib.common import REPO


def machine_info() -> dict:
    """CPUs, memory, kernel and the versions of Python, SQLite and the main libraries.

    Returns
    -------
    dict
        Keys ``nproc``, ``nproc_usable``, ``mem_total`` (bytes), ``cpu``, ``kernel`` and one
        version string per library (``"not installed"`` when missing).
    """

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "nproc_usable": len(os.sched_getaffinity(0)),
        "mem_total": mem,
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": version("pandas"),
        "sqlalchemy": version("SQLAlchemy"),
        "dash": version("dash"),
        "plotly": version("plotly"),
        "flask": version("Flask"),
        "werkzeug": version("Werkzeug"),
        "sqlite": sqlite3.sqlite_version,
        "psycopg": version("psycopg"),
    }


def git_revision() -> str:
    """HEAD of the repository, with the number of changed files outside benchmarks/.

    Returns
    -------
    str
        The short hash, for example ``"614f570 plus 2 uncommitted changed/new paths"``, or
        ``"unknown"`` when git is unavailable.
    """
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain"], cwd=REPO,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    changed = [line for line in status.splitlines() if "benchmarks/" not in line]
    return head + (f" plus {len(changed)} uncommitted changed/new paths" if changed else "")


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages.

    Returns
    -------
    str
        For example ``"0.70 / 1.38 / 1.65"``, or ``"n/a"`` without /proc.
    """
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"
