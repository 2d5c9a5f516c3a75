"""How long until a write is visible from every gunicorn worker, at 1,000,000 incidents.

Runs gunicorn as docs/operations.md does (3 gthread workers) on a store, warms every worker,
then repeatedly publishes one new incident (``incidentmap ingest csv`` of a one-row file,
``--policy open``, as ``tests/faults/test_workers.py`` does) and polls
``/api/v1/stats?group_by=country&country=MT`` with one thread per worker (``SO_REUSEPORT``
is not used, so connections spread over the workers) until three consecutive answers from
every worker pid show the new total. It reports, per publish, the seconds from the ingest's
exit until a round of answers that were all fresh (and stayed so), the slowest answer meanwhile (a
reader stalled by a rebuild) and the workers' RSS.

The store must be a scratch copy: the published rows stay in it.

    .venv/bin/python benchmarks/bench_freshness.py --db benchmarks/work/fresh-1000000.sqlite
    .venv/bin/python benchmarks/bench_freshness.py --database-url postgresql+psycopg://...

``--busy N`` runs N busy-looping processes beside it (a shared machine under load, made
reproducible); ``--json PATH`` keeps the result for ``bench_freshness_report.py``, which
writes ``RESULTS-freshness.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from lib.common import REPO, log, proc_status
from lib.gunicorn import workers
from lib.machine import git_revision, loadavg
from lib.server import free_port

STATS = "/api/v1/stats?group_by=country&country=MT&bias="
WORKERS = 3


def _get(base: str) -> tuple[int, float, int]:
    """(total, seconds, worker pid) of one stats answer."""
    t0 = time.perf_counter()
    with urllib.request.urlopen(base + STATS, timeout=120) as response:  # noqa: S310 - loopback
        body = json.loads(response.read())
        pid = int(response.headers.get("X-Worker-Pid", 0) or 0)
    return body["total"], time.perf_counter() - t0, pid


def _ask(base: str, answers: list) -> None:
    answers.append(_get(base))


def _server_version(url: str) -> str:
    """The database's version (SQLite's, or PostgreSQL's ``version()``)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                return conn.execute(text("SHOW server_version")).scalar()
            return "SQLite " + conn.execute(text("SELECT sqlite_version()")).scalar()
    finally:
        engine.dispose()


def _busy(n: int) -> list[subprocess.Popen]:
    """``n`` processes that keep a CPU busy until they are terminated."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"],
                             stdin=subprocess.DEVNULL) for _ in range(n)]


def run(url: str, code: Path, publishes: int, folder: Path) -> dict:
    """Start gunicorn on ``url`` from the code in ``code``; time ``publishes`` publishes."""
    env = dict(os.environ, INCIDENTMAP_DATABASE_URL=url,
               INCIDENTMAP_INSTANCE_DIR=str(folder / "instance"),
               PYTHONPATH=str(code))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    cli = Path(sys.executable).parent / "incidentmap"
    with open(folder / "gunicorn.log", "wb") as logfile:
        proc = subprocess.Popen(
            [str(gunicorn), "--workers", str(WORKERS), "--worker-class", "gthread", "--threads",
             "4", "--timeout", "300", "--bind", f"127.0.0.1:{port}", "app:server"],
            cwd=code, env=env, stdout=logfile, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.time() + 600
        while time.time() < deadline:
            try:
                _get(base)
                break
            except OSError:
                time.sleep(0.5)
        t0 = time.perf_counter()
        for _ in range(WORKERS * 10):  # every worker builds its first snapshot
            total, _, _ = _get(base)
        log(f"warm after {time.perf_counter() - t0:.1f} s; Malta total {total}")
        samples = []
        for n in range(publishes):
            csv = folder / f"new-{n}.csv"
            stamp = time.time_ns()  # a new record each time, never a duplicate of an earlier run
            csv.write_text("date,country,type,bias,description\n"
                           f"2024-05-{6 + n:02d},MT,arson,xenophobia,published incident {stamp}\n",
                           encoding="utf-8")
            done = subprocess.run([str(cli), "ingest", "csv", str(csv), "--policy", "open"],
                                  env=env, cwd=code, capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                raise RuntimeError(done.stderr[-2000:])
            committed = time.perf_counter()
            expected = total + 1
            slowest, fresh_streak, fresh_since = 0.0, 0, committed
            while fresh_streak < WORKERS * 3:
                if time.perf_counter() - committed > 300:
                    raise RuntimeError(f"the new total {expected} did not show within 300 s")
                answers: list = []
                threads = [threading.Thread(target=_ask, args=(base, answers))
                           for _ in range(WORKERS)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                for value, secs, _pid in answers:
                    slowest = max(slowest, secs)
                    if value != expected:
                        fresh_streak = 0
                    elif fresh_streak == 0:
                        fresh_since, fresh_streak = time.perf_counter(), 1
                    else:
                        fresh_streak += 1
                time.sleep(0.05)
            visible = fresh_since - committed  # the round that began the fresh streak
            rss = [proc_status(p).get("VmRSS", 0) / 2**20 for p in workers(proc.pid)]
            hwm = [proc_status(p).get("VmHWM", 0) / 2**20 for p in workers(proc.pid)]
            samples.append({"visible_s": visible, "slowest_answer_s": slowest,
                            "rss_mb": rss, "hwm_mb": hwm, "load": os.getloadavg()[0]})
            log(f"publish {n + 1}: visible from every worker after {visible:.2f} s; slowest "
                f"answer meanwhile {slowest:.2f} s; RSS {[round(r) for r in rss]} MB, peak "
                f"{[round(h) for h in hwm]} MB")
            total = expected
        return {"samples": samples,
                "median_visible_s": statistics.median(s["visible_s"] for s in samples),
                "max_visible_s": max(s["visible_s"] for s in samples),
                "load": os.getloadavg()}
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run, print the result as JSON (and keep it with ``--json``)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", type=Path, help="scratch SQLite file")
    where.add_argument("--database-url", help="scratch PostgreSQL database")
    ap.add_argument("--code", type=Path, default=REPO, help="the code to run (default: here)")
    ap.add_argument("--label", default="", help="names the code in the report (e.g. a commit)")
    ap.add_argument("--publishes", type=int, default=5)
    ap.add_argument("--busy", type=int, default=0,
                    help="busy-looping processes to run beside it (a loaded machine)")
    ap.add_argument("--json", type=Path, help="keep the result here")
    args = ap.parse_args(argv)
    url = args.database_url or f"sqlite:///{args.db.resolve()}"
    started = {"at": time.strftime("%Y-%m-%d %H:%M", time.gmtime()), "load": loadavg()}
    busy = _busy(args.busy)
    try:
        with tempfile.TemporaryDirectory() as folder:
            result = run(url, args.code.resolve(), args.publishes, Path(folder))
    finally:
        for proc in busy:
            proc.terminate()
            proc.wait(timeout=30)
    result.update(backend="postgresql" if args.database_url else "sqlite", busy=args.busy,
                  server=_server_version(url),
                  code=args.label or (git_revision() if args.code.resolve() == REPO
                                      else str(args.code)),
                  started=started, ended={"load": loadavg()}, publishes=args.publishes,
                  argv=sys.argv[1:] if argv is None else argv)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
