"""What a load run showed (``analyse``) and ``benchmarks/RESULTS-load.md`` (``write_report``)."""

from __future__ import annotations

import datetime as dt
from importlib import metadata
from pathlib import Path

from lib.common import REPO, fmt_bytes, fmt_ms
from lib.machine import loadavg, machine_info

KIND_ORDER = ("GET /", "page layout", "render", "filter sync", "GET /incidents", "grid rows",
              "API page", "stats", "CSV download", "session", "all")


def _state(obs) -> tuple:
    return (obs.total, obs.countries)


def _check_post(result: dict) -> list[str]:
    """Problems with the post-ingest state: its total and its change per country."""
    pre, post, counts = result.get("pre"), result.get("post"), result.get("ingest_counts", {})
    if post is None:
        return ["no post-ingest state: the workers never agreed on new totals"]
    if result.get("ingest_exit") != 0:
        return [f"the ingest exited with {result.get('ingest_exit')}"]
    problems = []
    loaded = counts.get("loaded")
    if loaded is None:
        problems.append("the ingest's summary line was not found")
    elif post[0] - pre[0] != loaded:
        problems.append(f"total grew by {post[0] - pre[0]:,}, the ingest loaded {loaded:,}")
    if loaded == sum(result["ingest_mix"].values()):
        before, after = dict(pre[1]), dict(post[1])
        delta = {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)}
        delta = {k: v for k, v in delta.items() if v}
        if delta != result["ingest_mix"]:
            problems.append(f"per-country change {delta} differs from the file's "
                            f"{result['ingest_mix']}")
    return problems


def analyse(result: dict) -> dict:
    """Classify every checker answer and summarise the timings.

    Parameters
    ----------
    result : dict
        From ``bench_load.run_load`` (needs ``pre``, ``post``, ``checker``, ``recorder``...).

    Returns
    -------
    dict
        ``observations`` (pre / post / other / failed), ``per_worker``, ``stale_after_commit``
        (pre answers to probes sent after the ingest had exited), ``post_problems``, ``kinds``
        and ``phases`` (latency summaries), ``errors`` and ``passed``.
    """
    pre, post = result.get("pre"), result.get("post")
    checker, rec = result.get("checker"), result.get("recorder")
    if checker is None or rec is None:
        return {"passed": False, "errors": None, "observations": {}, "per_worker": {},
                "post_problems": ["the run stopped before the users started"]}
    pids = result.get("probe_pids", {})
    counts = {"pre": 0, "post": 0, "other": 0, "failed": 0}
    per_worker: dict = {}
    others, stale = [], 0
    end = result.get("ingest_end")
    for obs in sorted(checker.observations, key=lambda o: o.t):
        kind = ("failed" if obs.status != 200 else "pre" if _state(obs) == pre
                else "post" if _state(obs) == post else "other")
        counts[kind] += 1
        if kind == "other" and len(others) < 10:
            others.append({"t": round(obs.t, 2), "total": obs.total})
        if kind == "pre" and end is not None and obs.t > end:
            stale += 1
        w = per_worker.setdefault(pids.get(obs.probe, "unknown"), {
            "probes": 0, "pre": 0, "post": 0, "other": 0, "failed": 0, "last_pre": None,
            "first_post": None, "max_ms": 0.0})
        w["probes"] += 1
        w[kind] += 1
        w["max_ms"] = max(w["max_ms"], obs.ms)
        if kind == "pre":
            w["last_pre"] = obs.t
        if kind == "post" and w["first_post"] is None:
            w["first_post"] = obs.t + obs.ms / 1000
    phases = {"before the ingest": (0.0, result.get("ingest_start")),
              "during the ingest": (result.get("ingest_start"), end),
              "ingest done, until every worker answers with the new data":
                  (end, result.get("post_at")),
              "after": (result.get("post_at"), result.get("users_end"))}
    phase_stats = {name: rec.by_kind(a, b).get("all") for name, (a, b) in phases.items()
                   if a is not None and b is not None and b > a}
    kinds = rec.by_kind()
    slow = [(start, ms) for _kind, start, ms, _status in rec.samples if ms > 5000]
    errors = kinds.get("all", {}).get("errors", 0) + counts["failed"]
    problems = _check_post(result)
    passed = (errors == 0 and counts["other"] == 0 and stale == 0 and not problems
              and counts["pre"] > 0 and counts["post"] > 0)
    return {"observations": counts, "others": others, "stale_after_commit": stale,
            "per_worker": per_worker, "post_problems": problems, "kinds": kinds,
            "phases": phase_stats, "errors": errors, "failures": rec.failures[:20],
            "slow": {"count": len(slow), "first_sent": min((t for t, _ in slow), default=None),
                     "last_sent": max((t for t, _ in slow), default=None)},
            "passed": passed}


def _revision() -> str:
    """The checked-out commit, read from ``.git`` without running git."""
    try:
        head = (REPO / ".git" / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            head = (REPO / ".git" / head[5:]).read_text().strip()
        return head[:7] + " (plus uncommitted changes of a shared work tree)"
    except OSError:
        return "unknown"


def _row(name: str, s: dict) -> str:
    return (f"| {name} | {s['count']:,} | {s['errors']} | {fmt_ms(s['median'])} | "
            f"{fmt_ms(s['p95'])} | {fmt_ms(s['max'])} |")


MARK_START = "<!-- load test (benchmarks/bench_load.py): start -->"
MARK_END = "<!-- load test: end -->"


def summary_section(result: dict) -> str:
    """The short marked section of ``RESULTS.md`` that points to ``RESULTS-load.md``."""
    a, obs = result["analysis"], result["analysis"]["observations"]
    every = a["kinds"].get("all", {})
    return "\n".join([
        MARK_START, "", "## Load test (see [RESULTS-load.md](RESULTS-load.md))", "",
        f"{result['config']['users']} simulated users for {result.get('users_end', 0):.0f} s "
        f"against gunicorn ({result['workers']} workers, docs/operations.md) while an ingest "
        f"of {sum(result['ingest_mix'].values()):,} rows ran: "
        f"{'passed' if a['passed'] else 'FAILED'}; {every.get('count', 0):,} requests, "
        f"{a['errors']} errors, p95 {fmt_ms(every.get('p95', float('nan')))}; the checker saw "
        f"{obs['other']} half-loaded totals in {sum(obs.values()):,} answers.",
        "", MARK_END, ""])


def rss_phases(result: dict) -> str:
    """Each worker's VmRSS before the ingest, at its peak, and at the end of the run."""
    samples = result.get("rss_samples") or []
    start = result.get("ingest_start")
    if not samples or start is None:
        return ("Peak RSS per worker during the run: "
                + ", ".join(fmt_bytes(v) for v in result.get("rss_peak", {}).values()) + ".")
    rows = []
    for pid in sorted({pid for _, pid, _ in samples}):
        mine = [(t, rss) for t, p, rss in samples if p == pid]
        before = max((rss for t, rss in mine if t < start), default=0)
        rows.append(f"{fmt_bytes(before)} / {fmt_bytes(max(r for _, r in mine))} / "
                    f"{fmt_bytes(mine[-1][1])}")
    return ("VmRSS per worker (sampled every 2 s), before the ingest (max) / peak (while a "
            "worker builds its new snapshot beside the one it serves) / at the end: "
            + "; ".join(rows) + ".")


def write_report(result: dict, path: Path | None) -> str:
    """Write ``RESULTS-load.md`` (when ``path`` is given) and return its text."""
    a, m = result["analysis"], machine_info()
    cfg = result["config"]
    loads = [x for _, x in result.get("loads", [])]
    verdict = "**passed**" if a["passed"] else "**FAILED**"
    obs = a["observations"]
    pre, post = result.get("pre"), result.get("post")
    ing = result.get("ingest_counts", {})
    took = (result["ingest_end"] - result["ingest_start"]) if result.get("ingest_end") else None
    lines = [
        f"# Load test: {cfg['users']} users, an ingest half-way (scale issue, point 3)", "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} (UTC); code: {_revision()}",
        "- Command: `flock /tmp/incidentmap-bench.lock .venv/bin/python benchmarks/bench_load.py"
        + "".join(" " + x for x in result.get("argv", [])) + "`",
        f"- Machine: {m['nproc']} CPUs ({m['nproc_usable']} usable), "
        f"{m['mem_total'] / 1024**3:.1f} GiB RAM, {m['cpu']}, Linux {m['kernel']}",
        f"- Software: Python {m['python']}, gunicorn {metadata.version('gunicorn')}, Dash "
        f"{m['dash']}, Flask {m['flask']}, pandas {m['pandas']}, numpy {m['numpy']}, "
        f"SQLAlchemy {m['sqlalchemy']}, SQLite {m['sqlite']}",
        f"- Server: `{result['documented']}` from docs/operations.md, run as `gunicorn "
        + " ".join(result["command"][1:]).replace(result["config"]["folder"], "SCRATCH")
        + f"` ({result['workers']} workers); the access log only names the worker of each "
        "request.",
        f"- Store: scratch copy of `{result.get('store', 'the store')}` (SQLite, WAL), "
        f"{pre[0] if pre else 0:,} public incidents before the ingest.",
        f"- Load average (1 min): {min(loads, default=float('nan')):.2f} to "
        f"{max(loads, default=float('nan')):.2f} during the run; {loadavg()} (1/5/15) at the "
        "end. The machine is shared: other jobs may have run.",
        f"- Workers warmed (each built its snapshot) in {result['warm']['seconds']:.1f} s "
        "before the users started. " + rss_phases(result) + " The "
        f"load generator (this script's threads, on the same machine) used "
        f"{result.get('client_cpu_s', 0):.0f} CPU-seconds in {result.get('wall_s', 0):.0f} s.",
        "", f"## Verdict: {verdict}", "",
        f"- Requests: {a['kinds'].get('all', {}).get('count', 0):,} from {cfg['users']} users "
        f"in {result.get('users_end', 0):.0f} s; errors (non-2xx/304 or connection errors, "
        f"checker included): **{a['errors']}**.",
        f"- Checker: {sum(obs.values()):,} answers of `/api/v1/stats?group_by=country`: "
        f"{obs['pre']:,} with the totals before the ingest ({pre[0] if pre else 0:,}), "
        f"{obs['post']:,} with the totals after it ({post[0] if post else 0:,}), "
        f"**{obs['other']} with anything else** (a half-loaded batch), {obs['failed']} failed; "
        f"{a['stale_after_commit']} answered with the old totals to a probe sent after the "
        "ingest had finished.",
        "- Post-ingest totals: " + ("; ".join(a["post_problems"]) or
                                   "grew by exactly the rows the ingest loaded, and per "
                                   f"country by exactly the file's mix {result['ingest_mix']}."),
        "", "## Latency per request kind (whole run)", "",
        "Timed from sending the request to having the whole body, a new connection each time, "
        "`Accept-Encoding: gzip`. Users think 1-4 s between actions (half that inside the "
        "table). A *session*: `GET /` + page layout + `render` (the map); 1-3 filter changes "
        "(sync callback, then `render` with the URL it returned); `GET /incidents` + page "
        "layout + 1-3 table pages (grid block callback, or `/api/v1/incidents?page=N`); a "
        f"stats call; a CSV download in {0.2:.0%} of sessions (a country and a year, "
        f"{min((r for _, r in result.get('csv_filters', [])), default=0):,}-"
        f"{max((r for _, r in result.get('csv_filters', [])), default=0):,} rows).", "",
        "| kind | count | errors | median | p95 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: |"]
    lines += [_row(k, a["kinds"][k]) for k in KIND_ORDER if k in a["kinds"]]
    lines += ["", "## All requests by phase", "",
              "| phase | count | errors | median | p95 | max |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]
    lines += [_row(k, v) for k, v in a["phases"].items() if v]
    slow = a["slow"]
    if slow["count"]:
        lines += ["", f"{slow['count']} requests took over 5 s; they were sent between "
                  f"{slow['first_sent']:.1f} s and {slow['last_sent']:.1f} s (the ingest "
                  f"exited at {result.get('ingest_end') or 0:.1f} s). A worker that finds a "
                  "new data version rebuilds its snapshot of the public data before it answers "
                  "(all its threads wait for the rebuild rather than answer from the old "
                  "snapshot), and every worker does so at once after the ingest commits."]
    lines += ["", "## The ingest and what each worker answered", "",
              "`incidentmap ingest csv FILE --policy open` of "
              f"{sum(result['ingest_mix'].values()):,} rows (mix {result['ingest_mix']}) "
              f"started at {result.get('ingest_start', 0):.1f} s "
              f"and exited with {result.get('ingest_exit')} at "
              f"{result.get('ingest_end') or 0:.1f} s ({took or 0:.1f} s; read "
              f"{ing.get('read', 0):,}, loaded {ing.get('loaded', 0):,}, already in the store "
              f"{ing.get('already', 0):,}, rejected {ing.get('rejected', 0):,}). Every worker "
              f"answered with the new totals by {result.get('post_at') or 0:.1f} s. The checker "
              f"polled from {len(a['per_worker'])} worker(s) through one thread per worker, "
              "each waiting 100 ms after every answer; times are seconds from the start of the "
              "users.", "",
              "| worker pid | probes | before | after | other | failed | last 'before' sent at | "
              "first 'after' received at | slowest probe |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for pid, w in a["per_worker"].items():
        lines.append(f"| {pid} | {w['probes']} | {w['pre']} | {w['post']} | {w['other']} | "
                     f"{w['failed']} | {w['last_pre'] or 0:.1f} | {w['first_post'] or 0:.1f} | "
                     f"{fmt_ms(w['max_ms'])} |")
    g = result["gunicorn_log"]
    lines += ["", f"gunicorn log: {g['worker_timeouts']} `WORKER TIMEOUT`, {g['boots']} worker "
              f"boots, {g['tracebacks']} tracebacks."]
    if a["failures"]:
        lines += ["", "First failures:", ""] + [f"- `{f}`" for f in a["failures"]]
    text = "\n".join(lines) + "\n"
    if path is not None:
        path.write_text(text)
    return text
