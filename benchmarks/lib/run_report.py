"""The report: ``RESULTS.md`` with each figure of a run beside the product brief's target."""

from __future__ import annotations

import math
from pathlib import Path

from lib.common import KB, MB, fmt_bytes, fmt_ms
from lib.peer import peer_section, peer_target_rows

#: Targets from the product brief.
TARGETS = {
    "render_median_ms": 20.0,
    "render_p95_ms": 60.0,
    "eu27_geojson_bytes": 150 * KB,
    "page_total_gzip_bytes": 2.5 * MB,
    "csv_100k_ms": 400.0,
    "worker_rss_bytes": 800 * MB,
    "interactive_s": 3.0,
}


def verdict(ok: bool | None) -> str:
    """A table cell for a target: met, NOT met, or n/a (``None``: not judged at this scale).

    Parameters
    ----------
    ok : bool or None
        Whether the target is met, or None when it is not judged.

    Returns
    -------
    str
        ``"**met**"``, ``"**NOT met**"`` or ``"n/a"``.
    """
    return "n/a" if ok is None else ("**met**" if ok else "**NOT met**")


def write_report(path: Path, r: dict) -> None:
    """Write the Markdown report of a run: targets first, then each measurement in detail.

    Parameters
    ----------
    path : Path
        Where the report goes (its directory must exist).
    r : dict
        The run's results as ``run.main`` collects them (the same as ``last-run.json``):
        ``machine``, ``store``, ``snapshot``, ``aggregates``, ``scenarios`` and, when measured,
        ``render``, ``control``, ``breakdown``, ``csv``, ``peer``, ``page``, ``browser``,
        ``server_rss``,
        plus the run's date, command, revision, load averages and ``errors``.
    """
    m = r["machine"]
    postgres = r.get("backend") == "postgresql"
    store_kind = (f"PostgreSQL {m.get('postgresql')} database (PostGIS {m.get('postgis')})"
                  if postgres else "SQLite file")
    lines: list[str] = []
    add = lines.append
    add("# incidentmap benchmark results" + (" on PostgreSQL + PostGIS" if postgres else ""))
    add("")
    add(f"- Date: {r['date']} (UTC); wall time of the run: {r['wall_s'] / 60:,.1f} min")
    add(f"- Command: `{r['command']}`")
    add(f"- Code: git {r['revision']}")
    add(f"- Machine: {m['nproc']} CPUs ({m['nproc_usable']} usable), "
        f"{m['mem_total'] / 1024 ** 3:,.1f} GiB RAM, {m['cpu']}, Linux {m['kernel']}")
    add(f"- Software: Python {m['python']}, numpy {m['numpy']}, pandas {m['pandas']}, "
        f"SQLAlchemy {m['sqlalchemy']}, Dash {m['dash']}, plotly {m['plotly']}, "
        f"Flask {m['flask']}, Werkzeug {m['werkzeug']}, SQLite {m['sqlite']}"
        + (f", PostgreSQL {m.get('postgresql')} (same machine, Debian's default "
           f"configuration), PostGIS {m.get('postgis')}, psycopg {m.get('psycopg')}"
           if postgres else ""))
    add(f"- Load average (1/5/15 min) at start {r['load_start']}, at end {r['load_end']}. "
        "The machine is shared and noisy: read medians and ratios, not single samples.")
    add(f"- Data: {r['rows']:,} synthetic incidents (seed {r['seed']}), "
        f"{r['snapshot']['memory']['records']:,} of them public; "
        f"{store_kind} {fmt_bytes(r['store']['bytes'])}"
        + (f" (`{r['store']['path']}`, size from pg_database_size)." if postgres else "."))
    add("- Server: `incidentmap serve` (Flask/Werkzeug development server, one process), "
        "requests over 127.0.0.1, a new connection per request, `Accept-Encoding: gzip` as a "
        "browser sends it (unless stated).")
    add("")

    # ---- targets
    add("## Targets from the product brief")
    add("")
    add("| Target | Limit | Measured | Measured / limit | Verdict |")
    add("| --- | --- | --- | --- | --- |")
    rows = r["rows"]
    at_scale = rows >= 1_000_000
    rend = r.get("render")
    if rend:
        med, p95 = rend["ms"]["median"], rend["ms"]["p95"]
        add(f"| Filter change round trip (`render` callback over HTTP), median | "
            f"<= {TARGETS['render_median_ms']:.0f} ms | {fmt_ms(med)} | "
            f"{med / TARGETS['render_median_ms']:.2f} | "
            f"{verdict(med <= TARGETS['render_median_ms'] if at_scale else None)} |")
        add(f"| Filter change round trip (`render` callback over HTTP), p95 | "
            f"<= {TARGETS['render_p95_ms']:.0f} ms | {fmt_ms(p95)} | "
            f"{p95 / TARGETS['render_p95_ms']:.2f} | "
            f"{verdict(p95 <= TARGETS['render_p95_ms'] if at_scale else None)} |")
        chain = (r.get("control") or {}).get("chain_ms") or {"median": math.nan,
                                                             "p95": math.nan}
        add(f"| ... as the browser runs it (sync callback + render), median / p95 | "
            f"<= 20 / 60 ms | {fmt_ms(chain['median'])} / {fmt_ms(chain['p95'])} | "
            f"{chain['median'] / 20:.2f} / {chain['p95'] / 60:.2f} | "
            f"{verdict((chain['median'] <= 20 and chain['p95'] <= 60) if at_scale else None)} |")
    pb = r.get("page")
    if pb:
        eu = pb["eu27_identity"]
        add(f"| EU-27 geometry before compression | <= 150 KB | {fmt_bytes(eu)} | "
            f"{eu / TARGETS['eu27_geojson_bytes']:.2f} | "
            f"{verdict(eu <= TARGETS['eu27_geojson_bytes'])} |")
        tot = pb["total_gzip"]
        add(f"| Everything the browser downloads on first load, gzip | <= 2.5 MB | "
            f"{fmt_bytes(tot)} | {tot / TARGETS['page_total_gzip_bytes']:.2f} | "
            f"{verdict(tot <= TARGETS['page_total_gzip_bytes'])} |")
    bc = r.get("browser") or {}
    if bc.get("interactive_s"):
        load_s = bc["load_s"]
        add(f"| Page interactive in headless Chromium (map drawn with its counts), median of "
            f"{len(bc['interactive_s'])} fresh loads / slowest | <= 3 s | {load_s:,.2f} s / "
            f"{max(bc['interactive_s']):,.2f} s | {load_s / TARGETS['interactive_s']:.2f} | "
            f"{verdict(load_s <= TARGETS['interactive_s'])} |")
    cs = r.get("csv")
    if cs:
        in_range = 80_000 <= cs["rows"] <= 120_000
        shown = f"{fmt_ms(cs['median_ms'])} for {cs['rows']:,} rows"
        if not in_range:
            shown += f" ({fmt_ms(cs['ms_per_100k'])} per 100k, scaled)"
        add(f"| CSV export of ~100,000 rows | <= 400 ms | {shown} | "
            f"{cs['ms_per_100k'] / TARGETS['csv_100k_ms']:.2f} (per 100k rows) | "
            f"{verdict(cs['ms_per_100k'] <= TARGETS['csv_100k_ms'] if in_range else None)} |")
    if r.get("peer"):
        lines.extend(peer_target_rows(r["peer"], verdict))
    srv = r.get("server_rss")
    if srv:
        rss = srv["VmRSS"]
        add(f"| One web worker's RSS after warm-up | <= 800 MB | {fmt_bytes(rss)} "
            f"(peak {fmt_bytes(srv['VmHWM'])}) | {rss / TARGETS['worker_rss_bytes']:.2f} | "
            f"{verdict(rss <= TARGETS['worker_rss_bytes'] if at_scale else None)} |")
    add("")
    if srv and srv["VmHWM"] > TARGETS["worker_rss_bytes"]:
        add(f"The worker's steady RSS is what the RSS line judges; its peak, "
            f"{fmt_bytes(srv['VmHWM'])} ({srv['VmHWM'] / TARGETS['worker_rss_bytes']:.2f} x "
            "the limit), is reached while it builds its snapshot (first request, and again "
            "after every write to the store).")
        add("")
    if not at_scale:
        add(f"Run at {rows:,} incidents: the scale-dependent targets (round trip, CSV, RSS) "
            "are stated for 1,000,000 and are marked n/a here.")
        add("")
    met = [s for s in lines if "**met**" in s]
    missed = [s for s in lines if "**NOT met**" in s]
    add(f"**In short:** {len(met)} target line(s) met, {len(missed)} not met" + (
        ": " + "; ".join(s.split(" | ")[0].lstrip("| ") for s in missed) + "." if missed
        else "."))
    add("")

    # ---- details
    add("## 1. Loading the store")
    add("")
    st = r["store"]
    gen = st.get("generated")
    if gen:
        when = (f" (measured when the {'database' if postgres else 'file'} was generated, "
                f"{gen['at']}, code git "
                f"{gen.get('revision', 'unknown')})") if st["reused"] else ""
        add(f"`data.records.demo.load_demo` into a fresh {store_kind}{when}: "
            f"**{gen['total_s']:,.1f} s, {gen['rows_per_s']:,.0f} rows/s** "
            f"(generate + to dicts {gen['prepare_s']:,.1f} s; incident INSERTs "
            f"{gen['insert_incidents_s']:,.1f} s; link tables + commit "
            f"{gen['links_commit_s']:,.1f} s; peak RSS +{fmt_bytes(gen['peak_rss_delta'])})"
            + (f"; then `VACUUM ANALYZE` {gen['vacuum_analyze_s']:,.1f} s."
               if "vacuum_analyze_s" in gen else "."))
    else:
        add("The file was reused and no load timing was recorded; delete it to measure again.")
    add("")

    add("## 2. Building the snapshot (`data.snapshot.model.build`)")
    add("")
    sn = r["snapshot"]
    mem = sn["memory"]
    add(f"- Median of 3: **{sn['median_s']:,.2f} s** "
        f"(runs: {', '.join(f'{t:.2f}' for t in sn['times_s'])} s)")
    p = sn["parts"]
    add(f"- Split (the third build): `build_public_data` (chunked read + projection) "
        f"{p['build_public_data_s']:,.2f} s, `Snapshot.from_data` arrays "
        f"{p['snapshot_init_s']:,.2f} s, `data_version` {p['data_version_s'] * 1000:,.1f} ms")
    add("- Memory (VmRSS of a fresh process doing the first build): retained "
        f"+{fmt_bytes(mem['rss_delta_retained'])}, "
        f"peak during the build +{fmt_bytes(mem['rss_delta_peak'])}; the snapshot's numpy "
        f"arrays themselves hold {fmt_bytes(mem['arrays_nbytes'])} "
        f"({mem['arrays_nbytes'] / max(mem['records'], 1):,.0f} bytes per record).")
    add("")

    add(f"## 3. A filter change in process ({r['repeat']} different filters)")
    add("")
    add("mask + by_country + timeline(month) + by_code(type), on the snapshot, no HTTP. "
        "Filters are drawn with a seeded RNG: country subsets, bias codes including parent "
        "codes, month ranges, type codes including parents, indicators, combinations and the "
        "default view; the dashboard's default bias scope applies when a filter sets none.")
    add("")
    add("| Step | median | p95 | max |")
    add("| --- | --- | --- | --- |")
    for name, s in r["aggregates"].items():
        add(f"| {name} | {s['median']:.2f} ms | {s['p95']:.2f} ms | {s['max']:.2f} ms |")
    add("")

    if rend:
        add("## 4. HTTP round trips against `incidentmap serve`")
        add("")
        add("`POST /_dash-update-component` with the body the Dash renderer sends (built from "
            "`/_dash-dependencies`: `output`, `outputs`, `inputs`, `changedPropIds`, "
            "`parsedChangedPropsIds`); each response is checked: HTTP 200, a map patch "
            "assigning 27 values, both figures, and a summary count equal to the snapshot's.")
        add("")
        add("| Request | median | p95 | max |")
        add("| --- | --- | --- | --- |")
        add(f"| `render` (url.search changed) | {fmt_ms(rend['ms']['median'])} | "
            f"{fmt_ms(rend['ms']['p95'])} | {fmt_ms(rend['ms']['max'])} |")
        ctl = r.get("control") or {k: {"median": math.nan, "p95": math.nan, "max": math.nan}
                                   for k in ("sync_ms", "chain_ms")}
        add(f"| `sync_url_and_controls` (a control changed) | {fmt_ms(ctl['sync_ms']['median'])}"
            f" | {fmt_ms(ctl['sync_ms']['p95'])} | {fmt_ms(ctl['sync_ms']['max'])} |")
        add(f"| sync, then `render` with the URL it returned | "
            f"{fmt_ms(ctl['chain_ms']['median'])} | {fmt_ms(ctl['chain_ms']['p95'])} | "
            f"{fmt_ms(ctl['chain_ms']['max'])} |")
        add("")
        slow = sorted(zip(rend["ms"]["samples"], r["scenarios"], strict=True),
                      key=lambda x: -x[0])[:3]
        add("- Slowest `render` filters: " + "; ".join(
            f"{fmt_ms(ms)} for `{sc['search'] or '(default view)'}` ({sc['count']:,} records)"
            for ms, sc in slow) + ".")
        add(f"- First `render` after the server started (builds the server's snapshot): "
            f"{fmt_ms(rend['cold_ms'])}; server ready (answers /_dash-dependencies) after "
            f"{r['server_ready_s']:,.1f} s.")
        add(f"- `render` response: median {fmt_bytes(rend['json_bytes']['median'])} of JSON, "
            f"{fmt_bytes(rend['wire_bytes']['median'])} on the wire with gzip "
            f"(without Accept-Encoding: {fmt_bytes(rend['identity_bytes_first'])}).")
        if srv:
            add(f"- Server process after warm-up, the timed requests and the CSV exports: "
                f"VmRSS {fmt_bytes(srv['VmRSS'])}, VmHWM (peak) {fmt_bytes(srv['VmHWM'])}; "
                f"after the first render: VmRSS {fmt_bytes(r['server_rss_cold']['VmRSS'])}.")
        add("")

        br = r.get("breakdown")
        if br:
            add("### Where a render's time goes (in process, no HTTP)")
            add("")
            add(f"`overview.render` called directly in an app context: median "
                f"{fmt_ms(br['render_ms']['median'])}, p95 {fmt_ms(br['render_ms']['p95'])}. "
                "The same steps timed one by one (medians over the same filters):")
            add("")
            add("| Step | median | p95 |")
            add("| --- | --- | --- |")
            for name, s in sorted(br["steps"].items(), key=lambda kv: -kv[1]["median"]):
                add(f"| {name} | {s['median']:.2f} ms | {s['p95']:.2f} ms |")
            add("")

    if cs:
        add("## 5. CSV export")
        add("")
        add(f"`GET {cs['path']}` (chosen to select close to 100,000 rows): "
            f"**{cs['rows']:,} rows, median {fmt_ms(cs['median_ms'])}** over "
            f"{len(cs['runs']) - 1} runs without compression, {fmt_bytes(cs['csv_bytes'])} of "
            f"CSV, {cs['mb_per_s']:,.2f} MB/s, {fmt_ms(cs['ms_per_100k'])} per 100,000 rows. "
            f"With Accept-Encoding gzip: {fmt_ms(cs['gzip']['ms'])}, "
            f"{fmt_bytes(cs['gzip']['wire_bytes'])} on the wire "
            f"(encoding: {cs['gzip']['wire_encoding']}). Each run's row count was checked "
            "against the snapshot.")
        add("")

    if r.get("peer"):
        lines.extend(peer_section(r["peer"]))

    if pb:
        add("## 6. First page load bytes")
        add("")
        add("Every request a first visit to `/` makes: the page, the scripts and stylesheet it "
            "lists, Dash's layout and dependencies, the two initial callbacks (page layout and "
            "the first render), the bundles dcc loads lazily for Graph, Dropdown, "
            "DatePickerRange and Slider (plotly.js among them) and both geometries.")
        add("")
        add("| Kind | Request | uncompressed | gzip requested | encoding served |")
        add("| --- | --- | --- | --- | --- |")
        for it in pb["items"]:
            add(f"| {it['kind']} | `{it['method']} {it['path']}` | {fmt_bytes(it['identity'])} "
                f"| {fmt_bytes(it['gzip'])} | {it['gzip_encoding']} |")
        add(f"| **total** | | **{fmt_bytes(pb['total_identity'])}** | "
            f"**{fmt_bytes(pb['total_gzip'])}** | |")
        add("")
        add(f"The subset named in the brief (`/`, the bundles listed in the page, "
            f"`/geo/eu27.geojson`): {fmt_bytes(pb['brief_identity'])} uncompressed, "
            f"{fmt_bytes(pb['brief_gzip'])} with gzip.")
        add("")
        bc = r.get("browser")
        if bc and "skipped" not in bc:
            measured = {i["path"] for i in pb["items"]}
            missing = sorted({q["path"] for q in bc["requests"]
                              if q["path"].split("?")[0] not in
                              {x.split(" (")[0].split("?")[0] for x in measured}})
            add(f"Cross-check in headless Chromium: {len(bc['requests'])} requests, "
                f"{fmt_bytes(bc['total_bytes'])} transferred (encodings it negotiated: "
                f"{', '.join(bc['encodings'])}). Requests it made that the table above "
                f"lacks: {', '.join(missing) if missing else 'none'}.")
            if bc.get("interactive_s"):
                times = ", ".join(f"{t:,.2f}" for t in bc["interactive_s"])
                add("")
                add(f"Interactive (from asking for `/` until the map is drawn and the summary "
                    f"counts the records; each load in a new browser context, so nothing is "
                    f"cached; the first also starts the browser's renderer): {times} s, "
                    f"median **{bc['load_s']:,.2f} s**.")
            add("")
        elif bc:
            add(f"Headless Chromium cross-check skipped: {bc['skipped']}.")
            add("")
    if r.get("errors"):
        add("## Failed measurements")
        add("")
        for name, text in r["errors"].items():
            add(f"- {name}: `{text}`")
        add("")
    add("## Method notes")
    add("")
    add("- Medians and nearest-rank p95; every timed HTTP request uses a new TCP connection "
        "(the development server closes it anyway) and is timed until its body is read.")
    add("- The server's RSS comes from `/proc/<pid>/status` (VmRSS, VmHWM); the benchmark "
        "process's from `/proc/self/status`, with VmHWM reset through `/proc/self/clear_refs`.")
    add(f"- Raw samples: `{r['raw_path']}`.")
    add("")
    path.write_text("\n".join(lines))
