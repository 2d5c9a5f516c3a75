"""The partial plotly.js bundle: served where dcc.Graph looks, the installed release, and
holding every trace type the app draws."""

from __future__ import annotations

import ast
import gzip
import re
from pathlib import Path

import dash
import plotly.graph_objects as go
import pytest
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

from dashboard import plotly_js
from tests import factories
from tests.data.export.export_store import CANARY_RECORDS

DASHBOARD = Path(plotly_js.__file__).parent
ENTRY = DASHBOARD / "plotly_bundle" / "entry.js"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("plotly-js"), demo_rows=50,
                        records=CANARY_RECORDS) as site:
        yield site.client()


def test_the_bundle_is_the_installed_plotly_js_release():
    # same major.minor (pyproject pins plotly to one minor release); rebuild when it moves
    assert plotly_js.bundle_version().split(".")[:2] == get_plotlyjs_version().split(".")[:2]


def test_dash_still_loads_plotly_js_from_the_url_the_bundle_is_served_at():
    renderer = Path(dash.__file__).parent / "dash-renderer" / "build" / "dash_renderer.min.js"
    assert plotly_js.DASH_URL.lstrip("/") in renderer.read_text(encoding="utf-8")


def test_dcc_graph_gets_the_bundle_compressed_once_and_revalidated(client):
    plain = client.get(plotly_js.DASH_URL, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and plain.mimetype == "application/javascript"
    assert plain.data == plotly_js.BUNDLE.read_bytes()
    zipped = client.get(plotly_js.DASH_URL, headers={"Accept-Encoding": "gzip, br, zstd"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2
    assert "Accept-Encoding" in zipped.headers["Vary"]
    again = client.get(plotly_js.DASH_URL, headers={"Accept-Encoding": "gzip",
                                                    "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    # every other component script is still Dash's own
    other = client.get("/_dash-component-suites/dash/dcc/async-graph.js")
    assert other.status_code == 200 and b"partial bundle" not in other.data[:300]


def test_entry_registers_exactly_the_listed_traces():
    required = re.findall(r"require\('plotly\.js/lib/(\w+)'\)", ENTRY.read_text())
    assert required[0] == "core" and tuple(required[1:]) == plotly_js.TRACES


def _trace_types() -> set[str]:
    return {name.lower() for name in go.__all__
            if isinstance(getattr(go, name), type) and issubclass(getattr(go, name),
                                                                   BaseTraceType)}


def _used_traces(source: str, known: set[str]) -> set[str]:
    """Trace types a module makes: ``go.Bar(...)`` calls and ``{"type": "bar", ...}`` dicts."""
    used = set()
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "go"
                and node.func.attr.lower() in known):
            used.add(node.func.attr.lower())
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (isinstance(key, ast.Constant) and key.value == "type"
                        and isinstance(value, ast.Constant) and value.value in known):
                    used.add(value.value)
    return used


def test_every_trace_type_the_app_draws_is_in_the_bundle():
    known = _trace_types()
    used = set()
    for path in DASHBOARD.rglob("*.py"):
        used |= _used_traces(path.read_text(encoding="utf-8"), known)
    assert {"bar", "choroplethmap", "scattermap"} <= used  # the scan finds what it should
    assert used <= set(plotly_js.TRACES), f"add {used - set(plotly_js.TRACES)} to the bundle"


def test_the_scan_would_notice_a_new_trace_type():
    known = _trace_types()
    assert _used_traces("go.Scattergeo(lat=[1])\nx = {'type': 'pie'}", known) == {
        "scattergeo", "pie"}
