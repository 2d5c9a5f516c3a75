"""A small load test (scale issue, point 3): users, an ingest half-way, all-or-nothing totals.

The same driver as ``benchmarks/bench_load.py`` (which runs 50 users on 1,000,000 incidents):
gunicorn as docs/operations.md runs it, with 2 workers, on a 5,000-incident demo store; 10
simulated users browse the map, the table, stats and CSV downloads for 12 s while
``incidentmap ingest`` loads 20,000 rows in one run. No request may fail, and every answer of
the checker polling ``/api/v1/stats?group_by=country`` must hold the totals before or after
the ingest, never a part of it. No latency is asserted: CI machines are slow and shared.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from tests.faults.test_faults import _cli, _env
from tests.faults.test_workers import GUNICORN

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _bench(module: str):
    """Import a module of ``benchmarks/`` (appended to ``sys.path``: the app's packages win).

    ``module`` is an entry script (``bench_load``) or a helper of ``benchmarks/lib``
    (``lib.load.users``).
    """
    if str(BENCHMARKS) not in sys.path:
        sys.path.append(str(BENCHMARKS))
    return importlib.import_module(module)


def _observation(t: float, total: int, countries: tuple, probe: str = "c0-1"):
    users = _bench("lib.load.users")
    return users.Observation(t, probe, 200, 5.0, total, countries)


class _Log:
    def __init__(self, observations):
        self.observations = observations


def test_analysis_flags_a_half_loaded_batch_and_stale_answers():
    report = _bench("lib.load.report")
    users = _bench("lib.load.users")
    pre, post = (10, (("DE", 10),)), (14, (("DE", 10), ("MT", 4)))
    seen = [_observation(1.0, *pre), _observation(2.0, 12, (("DE", 10), ("MT", 2))),
            _observation(3.0, *post), _observation(6.0, *pre, probe="c1-9")]
    rec = users.Recorder(0, 0.0)
    rec.add("render", 0.5, 10.0, 200)
    result = {"pre": pre, "post": post, "checker": _Log(seen), "recorder": rec,
              "ingest_start": 1.5, "ingest_end": 5.0, "post_at": 7.0, "users_end": 8.0,
              "ingest_exit": 0, "ingest_counts": {"loaded": 4}, "ingest_mix": {"MT": 4},
              "probe_pids": {"c0-1": 101, "c1-9": 102}}
    analysis = report.analyse(result)
    assert analysis["observations"] == {"pre": 2, "post": 1, "other": 1, "failed": 0}
    assert analysis["stale_after_commit"] == 1
    assert analysis["post_problems"] == []
    assert not analysis["passed"]
    rec.add("stats", 1.0, 10.0, 500)
    assert report.analyse(result)["errors"] == 1


def test_users_and_an_ingest_under_gunicorn_see_no_errors_and_all_or_nothing(tmp_path):
    if not GUNICORN.exists():
        pytest.fail(f"{GUNICORN} is missing: gunicorn is a dependency of the package")
    db = tmp_path / "store.sqlite"
    env = _env(f"sqlite:///{db}", tmp_path / "instance")
    assert _cli(env, "db", "upgrade").returncode == 0
    assert _cli(env, "demo", "--rows", "5000").returncode == 0
    load = _bench("bench_load")
    cfg = load.LoadConfig(db=db, folder=tmp_path / "run", users=10, duration=12.0,
                          ingest_at=4.0, ingest_rows=20_000, workers=2, think=(0.5, 2.0),
                          csv_rows=(100, 2_000), scenarios=20, settle_timeout=120.0)
    result = load.run_load(cfg)
    analysis = result["analysis"]
    log = result["gunicorn_log"]["tail"]
    assert result["ingest_exit"] == 0, result["ingest_output"]
    assert analysis["errors"] == 0, (analysis["failures"], log)
    assert analysis["kinds"]["all"]["count"] >= 50, analysis["kinds"]
    for kind in ("render", "page layout", "stats"):
        assert analysis["kinds"].get(kind, {}).get("count", 0) > 0, kind
    counts = analysis["observations"]
    assert counts["other"] == 0, analysis["others"]
    assert counts["pre"] > 0 and counts["post"] > 0, counts
    assert analysis["stale_after_commit"] == 0
    assert analysis["post_problems"] == [], analysis["post_problems"]
    assert result["post"][0] == result["pre"][0] + 20_000
    assert result["gunicorn_log"]["worker_timeouts"] == 0, log
