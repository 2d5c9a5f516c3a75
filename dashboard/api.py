"""The HTTP API (Flask blueprint on the Dash server): ``/api/v1/...`` (DESIGN §3).

Every response draws from the public snapshot, so the API, the map and the downloads count
the same records; the API applies only the filters it is given.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from urllib.parse import urlencode

import flask
import numpy as np

from dashboard.context import current
from data.analytics import GROUPS, Snapshot
from data.export import EXPORTERS, geojson_features, json_records
from data.filters import FILTER_PARAMS, FilterError, FilterProblem, IncidentFilter, from_query
from data.queries import fetch_public_rows
from data.vocab import DEMO_NOTICE

blueprint = flask.Blueprint("api_v1", __name__, url_prefix="/api/v1")

ROW_FORMATS = ("json", "geojson", "csv")
MAX_PER_PAGE = 1000
STREAM_BATCH = 5000
MULTI_COUNT_NOTE = (
    "An incident with several codes of this kind counts once for each, so the counts can add "
    "up to more than the total number of incidents."
)


class ApiError(Exception):
    """A client error answered with a JSON body naming the parameter."""

    def __init__(self, problems: list[FilterProblem], status: int = 400):
        super().__init__(str(problems))
        self.problems = problems
        self.status = status


@blueprint.errorhandler(ApiError)
def _api_error(error: ApiError):
    body = {"error": {
        "message": "; ".join(str(p) for p in error.problems),
        "problems": [
            {"parameter": p.parameter, "value": p.value, "message": p.message,
             "allowed": list(p.allowed)} for p in error.problems
        ],
    }}
    return flask.jsonify(body), error.status


def _params(extra: tuple[str, ...]) -> dict[str, list[str]]:
    args = flask.request.args
    allowed = (*FILTER_PARAMS, *extra)
    unknown = [k for k in args if k not in allowed]
    if unknown:
        raise ApiError([FilterProblem(k, args.get(k, ""), "unknown parameter", allowed)
                        for k in unknown])
    return {key: args.getlist(key) for key in args}


def _filter(params: dict[str, list[str]], snapshot: Snapshot) -> IncidentFilter:
    try:
        # only sources with public records exist as far as the public can tell
        return from_query(params, snapshot.taxonomy, sources=snapshot.sources)
    except FilterError as exc:
        raise ApiError(exc.problems) from exc


def _choice(params: dict, name: str, allowed: tuple[str, ...], default: str | None) -> str:
    values = params.get(name) or ([default] if default else [])
    if not values:
        raise ApiError([FilterProblem(name, "", "this parameter is required", allowed)])
    if values[-1] not in allowed:
        raise ApiError([FilterProblem(name, values[-1], "not an allowed value", allowed)])
    return values[-1]


def _positive_int(params: dict, name: str, default: int, maximum: int) -> int:
    raw = (params.get(name) or [str(default)])[-1]
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise ApiError([FilterProblem(name, raw, f"must be a whole number from 1 to {maximum}")])
    return int(raw)


def _envelope(snapshot: Snapshot, flt: IncidentFilter, total: int, has_demo: bool) -> dict:
    return {
        "data_release": snapshot.fingerprint,
        "notice": DEMO_NOTICE if has_demo else None,
        "filter": flt.to_query(),
        "description": flt.describe(snapshot.taxonomy),
        "total": total,
    }


@blueprint.get("/incidents")
def incidents():
    """Incidents matching the filter, in the public projection (paged JSON/GeoJSON or CSV)."""
    params = _params(("format", "page", "per_page"))
    ctx = current()
    snapshot = ctx.snapshot()  # one snapshot per request: validation and counts agree
    flt = _filter(params, snapshot)
    fmt = _choice(params, "format", ROW_FORMATS, "json")
    mask = snapshot.mask(flt)
    ids = snapshot.select_ids(mask)
    has_demo = snapshot.contains_demo(mask)
    if fmt == "csv":
        return _csv_response(ids, has_demo)
    per_page = _positive_int(params, "per_page", 100, MAX_PER_PAGE)
    pages = max(1, math.ceil(len(ids) / per_page))
    page = _positive_int(params, "page", 1, max(pages, 1))
    chunk = ids[(page - 1) * per_page: page * per_page]
    rows = fetch_public_rows(ctx.engine, chunk, ctx.taxonomy)
    body = _envelope(snapshot, flt, len(ids), has_demo)
    body.update({"page": page, "per_page": per_page, "pages": pages,
                 "next": _page_url(page + 1) if page < pages else None})
    if fmt == "geojson":
        body = {"type": "FeatureCollection", **body, "features": geojson_features(rows)}
        return flask.Response(flask.json.dumps(body), mimetype="application/geo+json")
    body["data"] = json_records(rows)
    return flask.jsonify(body)


def _page_url(page: int) -> str:
    args = flask.request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return flask.request.base_url + "?" + urlencode(args, doseq=True, safe=",")


def _csv_response(ids: np.ndarray, has_demo: bool) -> flask.Response:
    ctx = current()
    engine, taxonomy = ctx.engine, ctx.taxonomy

    def batches() -> Iterator:
        yield fetch_public_rows(engine, ids[:0], taxonomy)  # header even when empty
        for offset in range(0, len(ids), STREAM_BATCH):
            yield fetch_public_rows(engine, ids[offset: offset + STREAM_BATCH], taxonomy)

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"incidentmap-{'synthetic-demo-' if has_demo else ''}{stamp}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if has_demo:
        headers["X-Incidentmap-Notice"] = DEMO_NOTICE
    return flask.Response(flask.stream_with_context(EXPORTERS["csv"](batches())),
                          mimetype="text/csv; charset=utf-8", headers=headers)


@blueprint.get("/stats")
def stats():
    """Counts grouped by one dimension, for the given filter."""
    params = _params(("group_by",))
    snapshot = current().snapshot()
    flt = _filter(params, snapshot)
    group = _choice(params, "group_by", GROUPS, None)
    mask = snapshot.mask(flt)
    counts, unplaced = snapshot.by_group(mask, group)
    body = _envelope(snapshot, flt, snapshot.count(mask), snapshot.contains_demo(mask))
    body.update({
        "group_by": group,
        "unplaced": unplaced,
        "note": MULTI_COUNT_NOTE if group in ("bias", "indicator", "type") else None,
        "data": [{"key": str(k), "count": int(v)} for k, v in counts.items()],
    })
    return flask.jsonify(body)


@blueprint.route("/<path:unknown>")
def not_found(unknown: str):
    """Unknown API paths answer in JSON, not with the dashboard's HTML."""
    routes = ["/api/v1/incidents", "/api/v1/stats", "/api/v1/taxonomy"]
    body = {"error": {"message": f"no API endpoint /api/v1/{unknown}", "endpoints": routes}}
    return flask.jsonify(body), 404


@blueprint.get("/taxonomy")
def taxonomy():
    """The taxonomy in use: codes, labels, parents and descriptions per kind."""
    tax = current().taxonomy
    body = {"version": tax.version, "kinds": {}}
    for kind in ("bias", "indicator", "type"):
        body["kinds"][kind] = [
            {"code": t.code, "label": t.label, "parent": t.parent, "description": t.description}
            for t in tax.terms(kind)
        ]
    body["countries"] = [{"iso2": c.iso2, "name": c.names.get("en")} for c in tax.countries()]
    return flask.jsonify(body)
