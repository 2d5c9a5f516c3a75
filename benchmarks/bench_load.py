"""Load test: 50 simulated users against the documented gunicorn, with an ingest half-way.

Run from the repository root, one benchmark at a time on the shared machine::

    flock /tmp/incidentmap-bench.lock .venv/bin/python benchmarks/bench_load.py
    flock /tmp/incidentmap-bench.lock .venv/bin/python benchmarks/bench_load.py \\
        --rows 20000 --users 10 --duration 30 --ingest-rows 20000 --no-write   # quick check

The store is a scratch copy of ``benchmarks/work/export-ROWS.sqlite`` (generated when missing;
the ingest writes into the copy). gunicorn runs with the command of ``docs/operations.md``
(only ``--bind`` changed, plus an access log naming each request's worker). After every worker
has built its snapshot, ``--users`` threads browse for ``--duration`` seconds (see
``lib.load.users``); at ``--ingest-at`` seconds ``incidentmap ingest csv FILE --policy open``
loads ``--ingest-rows`` new incidents into the same store, while a checker polls
``/api/v1/stats?group_by=country`` every 100 ms from one thread per worker and keeps each
answer. Every answer must be the state before the ingest or the state after it, country by
country. The report goes to ``benchmarks/RESULTS-load.md``. No request leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from lib.common import REPO, WORK, log, put_section
from lib.load.report import MARK_END, MARK_START, analyse, summary_section, write_report
from lib.load.server import (
    Gunicorn,
    Sampler,
    csv_filters,
    server_env,
    write_ingest_csv,
)
from lib.load.users import Checker, Mix, Recorder, User
from lib.server import DashClient

CLI = Path(sys.executable).parent / "incidentmap"


@dataclass
class LoadConfig:
    """Parameters of one load run (defaults: the scale issue's 50 users for 2 minutes)."""

    db: Path
    folder: Path
    users: int = 50
    duration: float = 120.0
    ingest_at: float = 30.0
    ingest_rows: int = 100_000
    workers: int | None = None  # None: as docs/operations.md says
    think: tuple[float, float] = (1.0, 4.0)
    csv_rows: tuple[int, int] = (1_000, 10_000)
    scenarios: int = 40
    seed: int = 42
    settle_timeout: float = 600.0


def _ingest_counts(text: str) -> dict[str, int]:
    """``read``, ``loaded``, ``already`` and ``rejected`` from the ingest's summary line."""
    match = re.search(r"read ([\d,]+) rows: loaded ([\d,]+), already in the store ([\d,]+), "
                      r"rejected ([\d,]+)", text)
    if not match:
        return {}
    keys = ("read", "loaded", "already", "rejected")
    return {k: int(v.replace(",", "")) for k, v in zip(keys, match.groups(), strict=True)}


def _state(obs) -> tuple:
    return (obs.total, obs.countries)


def _settled(checker: Checker, server: Gunicorn, since: float, pre: tuple, late: bool):
    """The post-ingest state once the latest answers agree and every worker has given it.

    When ``late``, agreeing answers suffice (the kernel may not hand a probe to every worker).
    """
    recent = [o for o in checker.observations if o.t >= since and o.status == 200]
    window = 5 * len(checker._threads)
    if len(recent) < window:
        return None
    last = {_state(o) for o in recent[-window:]}
    if len(last) != 1:
        return None
    state = last.pop()
    if state == pre:
        return None
    pids = server.probe_pids()
    answered = {pids.get(o.probe) for o in recent if _state(o) == state}
    return state if late or set(server.pids()) <= answered else None


def run_load(cfg: LoadConfig) -> dict:
    """Start gunicorn on ``cfg.db``, run the users and the ingest, and return the raw results.

    Parameters
    ----------
    cfg : LoadConfig
        The run's parameters; ``cfg.db`` is written to (use a scratch copy).

    Returns
    -------
    dict
        Timings, checker observations and their analysis (see :func:`lib.load.report.analyse`).
    """
    from lib.scenarios import make_scenarios

    from data.reference.taxonomy import load_taxonomy

    cfg.folder.mkdir(parents=True, exist_ok=True)
    env = server_env(cfg.db, cfg.folder / "instance")
    upgrade = subprocess.run([str(CLI), "db", "upgrade"], env=env, capture_output=True,
                             text=True, timeout=900)
    if upgrade.returncode != 0:
        raise RuntimeError(f"db upgrade failed: {upgrade.stderr}")
    ingest_file = cfg.folder / "ingest.csv"
    mix_counts = write_ingest_csv(ingest_file, cfg.ingest_rows)
    server = Gunicorn(env, cfg.folder, cfg.workers)
    result: dict = {"config": {k: str(v) for k, v in vars(cfg).items()},
                    "documented": " ".join(server.documented), "command": server.command,
                    "workers": server.workers, "ingest_mix": dict(mix_counts)}
    threads: list[User] = []
    stop = threading.Event()
    try:
        result["ready_s"] = server.start()
        log(f"gunicorn ready after {result['ready_s']:.1f} s: {' '.join(server.command)}")
        result["warm"] = server.warm_up()
        log(f"every worker warm after {result['warm']['seconds']:.1f} s")
        client = DashClient(server.port)
        mix = Mix(make_scenarios(cfg.scenarios, cfg.seed, load_taxonomy()),
                  csv_filters(server.port, *cfg.csv_rows), think=cfg.think)
        result["csv_filters"] = mix.csv_queries
        states = {_state(Checker(server.port, 0, 1).probe(f"pre-{i}")) for i in range(10)}
        if len(states) != 1:
            raise RuntimeError(f"workers disagree before the ingest: {len(states)} states")
        pre = states.pop()
        t0, cpu0 = time.perf_counter(), time.process_time()
        rec = Recorder(server.port, t0)
        sampler = Sampler(server, t0)
        sampler.start()
        stagger = min(5.0, cfg.ingest_at / 2)
        threads = [User(i, client, rec, mix, stop, delay=stagger * i / cfg.users)
                   for i in range(cfg.users)]
        for user in threads:
            user.start()
        checker = Checker(server.port, t0, threads=server.workers)
        time.sleep(max(0.0, cfg.ingest_at - 3 - (time.perf_counter() - t0)))
        checker.start()
        time.sleep(max(0.0, cfg.ingest_at - (time.perf_counter() - t0)))
        ingest_start = time.perf_counter() - t0
        log(f"ingest of {cfg.ingest_rows:,} rows starts at {ingest_start:.1f} s")
        with open(cfg.folder / "ingest.out", "wb") as out:
            ingest = subprocess.Popen([str(CLI), "ingest", "csv", str(ingest_file), "--policy",
                                       "open"], env=env, stdout=out, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, cwd=cfg.folder)
        ingest_end = post_at = post = None
        users_end = None
        deadline = cfg.duration + cfg.settle_timeout
        while True:
            now = time.perf_counter() - t0
            if ingest_end is None and ingest.poll() is not None:
                ingest_end = now
                log(f"ingest finished at {now:.1f} s (exit {ingest.returncode})")
            if ingest_end is not None and post is None:
                late = now > ingest_end + min(120.0, cfg.settle_timeout / 2)
                post = _settled(checker, server, ingest_end, pre, late)
                if post is not None:
                    post_at = now
                    log(f"every worker gives the new totals at {now:.1f} s")
                elif ingest.returncode != 0 and now > ingest_end + 10:
                    post, post_at = pre, now
            if users_end is None and now >= cfg.duration:
                stop.set()
                users_end = now
                log(f"users stop at {now:.1f} s")
            if users_end is not None and post_at is not None and now >= post_at + 3:
                break
            if now > deadline:
                log("the checker gave up waiting for the post-ingest state")
                break
            time.sleep(0.2)
        checker.finish()
        for user in threads:
            user.join(timeout=600)
        sampler.stop.set()
        sampler.join()
        if ingest.poll() is None:
            ingest.wait(timeout=600)
        ingest_text = (cfg.folder / "ingest.out").read_text(errors="replace")
        result.update({
            "pre": pre, "post": post, "ingest_start": ingest_start, "ingest_end": ingest_end,
            "post_at": post_at, "users_end": users_end, "ingest_exit": ingest.returncode,
            "ingest_output": ingest_text, "ingest_counts": _ingest_counts(ingest_text),
            "users_alive": sum(u.is_alive() for u in threads),
            "client_cpu_s": time.process_time() - cpu0, "wall_s": time.perf_counter() - t0,
            "loads": sampler.loads, "rss_peak": sampler.rss_peak, "rss_last": sampler.rss_last,
            "rss_samples": sampler.rss_samples,
            "probe_pids": server.probe_pids(), "recorder": rec, "checker": checker})
    finally:
        stop.set()
        server.stop()
    text = server.log_path.read_text(errors="replace")
    result["gunicorn_log"] = {"worker_timeouts": text.count("WORKER TIMEOUT"),
                              "boots": text.count("Booting worker"),
                              "tracebacks": text.count("Traceback"),
                              "tail": text[-3000:]}
    result["analysis"] = analyse(result)
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the load test; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="incidents in the store")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=120.0, help="seconds of browsing")
    ap.add_argument("--ingest-at", type=float, default=30.0, help="seconds into the run")
    ap.add_argument("--ingest-rows", type=int, default=100_000)
    ap.add_argument("--workers", type=int, help="override the documented --workers")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS-load.md")
    ap.add_argument("--no-write", action="store_true", help="print the report only")
    args = ap.parse_args(argv)
    source = WORK / f"export-{args.rows}.sqlite"
    if not source.exists():  # an existing file is only copied (the copy is migrated)
        from lib.store import ensure_store

        ensure_store(source, args.rows, args.seed)
    with tempfile.TemporaryDirectory(prefix="incidentmap-load-", dir=WORK) as tmp:
        folder = Path(tmp)
        db = folder / "store.sqlite"
        log(f"copying {source.name} to a scratch file")
        shutil.copyfile(source, db)
        cfg = LoadConfig(db=db, folder=folder, users=args.users, duration=args.duration,
                         ingest_at=args.ingest_at, ingest_rows=args.ingest_rows,
                         workers=args.workers, seed=args.seed)
        result = run_load(cfg)
        result["store"] = f"benchmarks/work/{source.name}"
        result["argv"] = argv if argv is not None else sys.argv[1:]
        text = write_report(result, None if args.no_write else args.out)
        if not args.no_write:
            put_section(REPO / "benchmarks" / "RESULTS.md", summary_section(result), MARK_START,
                        MARK_END)
        (WORK / "last-load.json").write_text(json.dumps(result["analysis"], indent=1,
                                                        default=str))
    print(text)
    return 0 if result["analysis"]["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
