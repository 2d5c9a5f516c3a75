"""Timed requests against the running server: Dash callback round trips and the CSV export.

Every response is checked against the benchmark's own snapshot before its time counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import statistics

import numpy as np

from lib.common import MB, fmt_bytes, log, percentile, summary
from lib.scenarios import Scenario, search_of
from lib.server import DashClient, decoded, fetch

_COUNT = re.compile(r"^([\d,]+) incidents")


def check_render(status: int, headers: dict, data: bytes, expected_count: int | None) -> dict:
    """Check a ``render`` response: HTTP 200, a 27-value map patch, both figures, the count.

    Parameters
    ----------
    status : int
        HTTP status.
    headers : dict
        Response headers, lower-case names.
    data : bytes
        The body as received.
    expected_count : int or None
        The count the summary must show, or None not to check it.

    Returns
    -------
    dict
        ``count`` (from the summary text) and ``decoded_bytes`` (the JSON's size).

    Raises
    ------
    RuntimeError
        When any check fails.
    """
    if status != 200:
        raise RuntimeError(f"render answered HTTP {status}: {data[:300]!r}")
    payload = json.loads(decoded(headers, data))
    response = payload["response"]
    patch = response["map"]["figure"]
    if not patch.get("__dash_patch_update"):
        raise RuntimeError("render response has no map patch")
    z = [op for op in patch["operations"] if op["location"] == ["data", 1, "z"]]
    if not z or len(z[0]["params"]["value"]) != 27:
        raise RuntimeError("map patch does not assign 27 values to data[1].z")
    if "figure" not in response.get("timeline", {}) or "figure" not in response.get(
            "type-breakdown", {}):
        raise RuntimeError("render response lacks the timeline or type figure")
    text = response["result-summary"]["children"]
    match = _COUNT.match(text)
    count = int(match[1].replace(",", "")) if match else -1
    if expected_count is not None and count != expected_count:
        raise RuntimeError(f"server counted {count:,}, the snapshot {expected_count:,}")
    return {"count": count, "decoded_bytes": len(decoded(headers, data))}


def bench_render(client: DashClient, scenarios: list[Scenario], expect_counts: bool) -> dict:
    """Time the page's ``render`` callback over HTTP, once per filter, after a cold first call.

    Parameters
    ----------
    client : DashClient
        Client of the running server.
    scenarios : list of Scenario
        The filters; the first also serves for the cold call, the first three for warm-up.
    expect_counts : bool
        Check each response's count against the scenario's.

    Returns
    -------
    dict
        ``cold_ms``, ``ms`` (summary plus samples), ``wire_bytes`` and ``json_bytes``
        (summaries), and the size and encoding of one response without gzip.
    """
    dep = client.dependency("map.figure")
    changed = ["url.search"]

    def one(search: str, expected: int | None):
        body = client.body(dep, {"url.search": search}, changed)
        status, headers, data, secs = client.post(body)
        info = check_render(status, headers, data, expected)
        return secs * 1000, len(data), info["decoded_bytes"]

    # first request after start: builds the server's snapshot
    cold_ms, _, _ = one(search_of(scenarios[0].flt), None)
    log(f"first render (cold, builds the snapshot): {cold_ms:,.0f} ms")
    for sc in scenarios[:3]:
        one(search_of(sc.flt), None)
    times, wire, raw = [], [], []
    for sc in scenarios:
        ms, w, r = one(search_of(sc.flt), sc.count if expect_counts else None)
        times.append(ms)
        wire.append(w)
        raw.append(r)
    ident_body = client.body(dep, {"url.search": search_of(scenarios[0].flt)}, changed)
    status, headers, data, _ = client.post(ident_body, encoding="identity")
    log(f"render: median {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms")
    return {"cold_ms": cold_ms, "ms": summary(times) | {"samples": times},
            "wire_bytes": summary(wire), "json_bytes": summary(raw),
            "identity_bytes_first": len(data), "identity_encoding": headers.get(
                "content-encoding", "identity")}


def control_values(flt) -> dict:
    """What the page's controls hold for ``flt`` (bias shows the default scope if unset).

    Parameters
    ----------
    flt : IncidentFilter
        The filter.

    Returns
    -------
    dict
        Control values by ``"id.property"``.
    """
    from data.settings import Settings

    eff = flt.with_default_bias(Settings().default_bias_scope)
    return {
        "filter-dates.start_date": eff.date_from.isoformat() if eff.date_from else None,
        "filter-dates.end_date": eff.date_to.isoformat() if eff.date_to else None,
        "filter-country.value": list(eff.country),
        "filter-bias.value": list(eff.bias),
        "filter-indicator.value": list(eff.indicator),
        "filter-type.value": list(eff.type),
        "view-metric.value": "count",
        "view-granularity.value": "month",
        "map.clickData": None,
    }


def bench_control_change(client: DashClient, scenarios: list[Scenario],
                         expect_counts: bool) -> dict:
    """A control change as the browser runs it: sync callback, then render with the new URL.

    Parameters
    ----------
    client : DashClient
        Client of the running server.
    scenarios : list of Scenario
        The filters, each reached from the one before (the first from the last).
    expect_counts : bool
        Check each render's count against the scenario's.

    Returns
    -------
    dict
        ``sync_ms``, ``render_ms`` and ``chain_ms`` (summaries; the chain with samples).
    """
    sync = client.dependency("url.search")
    render = client.dependency("map.figure")
    sync_ms, render_ms, chain_ms = [], [], []
    previous = scenarios[-1].flt
    for sc in scenarios:
        before, after = control_values(previous), control_values(sc.flt)
        changed = [k for k in after if after[k] != before[k]][:1] or ["filter-country.value"]
        values = dict(after, **{"url.search": search_of(previous)})
        status, headers, data, s1 = client.post(client.body(sync, values, changed))
        if status == 204:  # nothing changed: the browser sends no render either
            sync_ms.append(s1 * 1000)
            chain_ms.append(s1 * 1000)
            previous = sc.flt
            continue
        if status != 200:
            raise RuntimeError(f"sync callback answered HTTP {status}: {data[:300]!r}")
        new_search = json.loads(decoded(headers, data))["response"]["url"]["search"]
        body = client.body(render, {"url.search": new_search}, ["url.search"])
        status, headers, data, s2 = client.post(body)
        check_render(status, headers, data, sc.count if expect_counts else None)
        sync_ms.append(s1 * 1000)
        render_ms.append(s2 * 1000)
        chain_ms.append((s1 + s2) * 1000)
        previous = sc.flt
    log(f"control change (sync + render): median {statistics.median(chain_ms):.1f} ms")
    return {"sync_ms": summary(sync_ms), "render_ms": summary(render_ms),
            "chain_ms": summary(chain_ms) | {"samples": chain_ms}}


def choose_csv_filter(snapshot, taxonomy, target: int = 100_000) -> tuple[object, int]:
    """A country + year-range filter selecting as close to ``target`` rows as possible.

    Parameters
    ----------
    snapshot : Snapshot
        The benchmark's snapshot, to count each candidate.
    taxonomy : Taxonomy
        The app's taxonomy, for the country list.
    target : int, default 100_000
        Rows wanted.

    Returns
    -------
    tuple of (IncidentFilter, int)
        The best filter and the rows it selects (no default bias scope, as in the API).
    """
    from data.filters import IncidentFilter

    best = (IncidentFilter(), snapshot.size)
    countries = [c.iso2 for c in taxonomy.countries()]
    totals = snapshot.by_country(np.ones(snapshot.size, dtype=bool))
    years = range(2014, 2026)
    for iso in countries:
        if totals[iso] < 0.8 * target:
            flt = IncidentFilter(country=(iso,))
            candidates = [flt]
        else:
            candidates = [IncidentFilter(country=(iso,), date_from=dt.date(y0, 1, 1),
                                         date_to=dt.date(y1, 12, 31))
                          for y0 in years for y1 in years if y1 >= y0]
        for flt in candidates:
            n = snapshot.count(snapshot.mask(flt))
            if abs(n - target) < abs(best[1] - target):
                best = (flt, n)
    return best


def bench_csv(port: int, flt, expected: int, repeat: int) -> dict:
    """Time ``GET /api/v1/incidents?...&format=csv``: ``repeat`` runs uncompressed, one gzip.

    Parameters
    ----------
    port : int
        The running server's port.
    flt : IncidentFilter
        The filter, from :func:`choose_csv_filter`.
    expected : int
        Rows every export must hold.
    repeat : int
        Uncompressed runs.

    Returns
    -------
    dict
        ``path``, ``rows``, ``runs``, ``median_ms`` (uncompressed), ``csv_bytes``,
        ``mb_per_s``, ``ms_per_100k`` and ``gzip`` (the compressed run).
    """
    query = flt.to_query_string()
    path = "/api/v1/incidents?" + (query + "&" if query else "") + "format=csv"
    runs = []
    text = b""
    for encoding in ["identity"] * repeat + ["gzip"]:
        status, headers, data, secs = fetch(port, "GET", path,
                                            headers={"Accept-Encoding": encoding})
        if status != 200 or not headers.get("content-type", "").startswith("text/csv"):
            raise RuntimeError(f"CSV export answered {status} {headers.get('content-type')}")
        text = decoded(headers, data)
        rows = sum(1 for _ in csv.reader(io.StringIO(text.decode("utf-8")))) - 1
        if rows != expected:
            raise RuntimeError(f"CSV export has {rows:,} rows, the snapshot selects "
                               f"{expected:,}")
        runs.append({"encoding": encoding, "ms": secs * 1000, "wire_bytes": len(data),
                     "csv_bytes": len(text), "wire_encoding": headers.get("content-encoding",
                                                                          "identity")})
        log(f"CSV {rows:,} rows ({encoding}): {secs * 1000:,.0f} ms, {fmt_bytes(len(data))}")
    ident = [r["ms"] for r in runs if r["encoding"] == "identity"]
    median_ms = statistics.median(ident)
    return {"path": path, "rows": expected, "runs": runs, "median_ms": median_ms,
            "csv_bytes": len(text), "mb_per_s": len(text) / MB / (median_ms / 1000),
            "ms_per_100k": median_ms * 100_000 / max(expected, 1),
            "gzip": runs[-1]}
