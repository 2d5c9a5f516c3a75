"""First page load: the bytes of every request a first visit makes, and Chromium's timing."""

from __future__ import annotations

import shutil
import statistics
import time

from lib.server import DashClient, decoded, fetch

#: Bundles dcc loads lazily for Graph, Dropdown, DatePickerRange and Slider (plotly.js among
#: them).
ASYNC_CHUNKS = ("/_dash-component-suites/dash/dcc/async-graph.js",
                "/_dash-component-suites/dash/dcc/async-dropdown.js",
                "/_dash-component-suites/dash/dcc/async-datepicker.js",
                "/_dash-component-suites/dash/dcc/async-slider.js",
                "/_dash-component-suites/plotly/package_data/plotly.min.js")
#: The geometries the map fetches; the first is the one the brief limits.
GEOMETRY = ("/geo/eu27.geojson", "/geo/context.geojson")


def bench_page_bytes(client: DashClient) -> dict:
    """Bytes of a first page load, uncompressed and with ``Accept-Encoding: gzip``.

    Parameters
    ----------
    client : DashClient
        Client of the running server (it knows the page's assets and callbacks).

    Returns
    -------
    dict
        ``items`` (one row per request: kind, method, path, identity and gzip bytes, the
        encoding served and the decoded size), ``total_identity``, ``total_gzip``,
        ``brief_identity``, ``brief_gzip`` (the subset the brief names) and ``eu27_identity``.
    """
    items: list[dict] = []

    def measure(kind: str, method: str, path: str, body: bytes | None = None):
        row = {"kind": kind, "method": method, "path": path}
        for encoding in ("identity", "gzip"):
            headers = {"Accept-Encoding": encoding}
            if body is not None:
                headers.update({"Content-Type": "application/json",
                                "Accept": "application/json"})
            status, hdrs, data, _ = fetch(client.port, method, path, body=body, headers=headers)
            if status != 200:
                raise RuntimeError(f"{method} {path} answered {status}")
            row[encoding] = len(data)
            if encoding == "gzip":
                row["gzip_encoding"] = hdrs.get("content-encoding", "none")
                row["decoded"] = len(decoded(hdrs, data))
        items.append(row)

    measure("page", "GET", "/")
    for url in client.page_assets:
        kind = "bundle" if url.endswith(".js") else "asset"
        measure(kind, "GET", url)
    measure("dash", "GET", "/_dash-layout")
    measure("dash", "GET", "/_dash-dependencies")
    route = client.dependency("page-content.children")
    measure("callback", "POST", client.update_path + "#route",
            client.body(route, {"shell-url.pathname": "/", "shell-url.search": ""},
                        ["shell-url.pathname"]))
    render = client.dependency("map.figure")
    measure("callback", "POST", client.update_path + "#render",
            client.body(render, {"url.search": ""}, ["url.search"]))
    for url in ASYNC_CHUNKS:
        measure("lazy bundle", "GET", url)
    for url in GEOMETRY:
        measure("geometry", "GET", url)
    for row in items:
        row["path"] = row["path"].split("?endId=")[0].split("#")[0] + (
            " (" + row["path"].split("#")[1] + ")" if "#" in row["path"] else "")
    brief = [r for r in items if r["kind"] in ("page", "bundle")
             or r["path"] == "/geo/eu27.geojson"]
    return {
        "items": items,
        "total_identity": sum(r["identity"] for r in items),
        "total_gzip": sum(r["gzip"] for r in items),
        "brief_identity": sum(r["identity"] for r in brief),
        "brief_gzip": sum(r["gzip"] for r in brief),
        "eu27_identity": next(r["identity"] for r in items if r["path"] == GEOMETRY[0]),
    }


#: Fresh page loads timed in headless Chromium (each in a new browser context: empty cache).
BROWSER_LOADS = 5
#: What "interactive" waits for: the map drawn, and the summary counting the records.
MAP_DRAWN = "#map .main-svg"
COUNTS_SHOWN = ("() => /incidents\\./.test("
                "(document.getElementById('result-summary')||{}).textContent||'')")


def browser_check(port: int, loads: int = BROWSER_LOADS) -> dict:
    """Load the page in headless Chromium: what it downloads, and when it is interactive.

    Each load opens a new browser context (no cache, no cookies) and is timed from asking for
    ``/`` until the map is drawn and the summary shows the count of the records (every
    callback of the first render has answered and the controls are live). The first load also
    lists every request and its bytes, waiting for the network to fall idle after the timing.

    Parameters
    ----------
    port : int
        The running server's port.
    loads : int
        Fresh loads timed (the browser process is shared: the first one also pays its start).

    Returns
    -------
    dict
        ``requests``, ``total_bytes``, ``encodings`` (first load), ``interactive_s`` (one per
        load) and ``load_s`` (their median); or ``skipped`` with the reason when Playwright or
        Chromium is missing or a load fails.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed"}
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    seen: list[dict] = []
    interactive: list[float] = []

    def finished(request):
        if request.url.startswith("blob:"):
            return
        response = request.response()
        seen.append({"method": request.method,
                     "path": request.url.split(str(port), 1)[-1].split("?endId")[0],
                     "bytes": request.sizes()["responseBodySize"],
                     "encoding": response.headers.get("content-encoding", "none")
                     if response else "none"})

    try:
        with sync_playwright() as pw:
            kwargs = {"args": ["--no-sandbox"]}
            if exe:
                kwargs["executable_path"] = exe
            browser = pw.chromium.launch(**kwargs)
            try:
                for n in range(loads):
                    context = browser.new_context()
                    page = context.new_page()
                    if n == 0:
                        page.on("requestfinished", finished)
                    t0 = time.perf_counter()
                    page.goto(f"http://127.0.0.1:{port}/", wait_until="commit")
                    page.wait_for_selector(MAP_DRAWN, timeout=60_000)
                    page.wait_for_function(COUNTS_SHOWN, timeout=60_000)
                    interactive.append(time.perf_counter() - t0)
                    if n == 0:
                        page.wait_for_load_state("networkidle")
                    context.close()
            finally:
                browser.close()
    except Exception as exc:  # noqa: BLE001 - a missing browser only skips the cross-check
        return {"skipped": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
    return {"requests": seen, "total_bytes": sum(max(r["bytes"], 0) for r in seen),
            "interactive_s": interactive, "load_s": statistics.median(interactive),
            "encodings": sorted({r["encoding"] for r in seen})}
