"""The HTTP API (Flask blueprint on the Dash server): ``/api/v1/...`` (DESIGN §3).

Every response draws from the public snapshot, so the API, the map and the downloads count
the same records; the API applies only the filters it is given. Rows and downloads follow the
caller's projection (:mod:`dashboard.auth.caller`): public, or researcher for a logged-in
researcher, moderator or admin (logged).
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

import flask

from dashboard.api import http_cache, rate_limit
from dashboard.api.openapi import document
from dashboard.api.openapi import paths as api_paths
from dashboard.api.parameters import (
    FILE_FORMATS,
    MAX_PER_PAGE,
    ROW_FORMATS,
    ApiError,
    choice,
    incident_filter,
    positive_int,
    query_params,
)
from dashboard.auth import caller
from dashboard.context import current
from data.export import EXPORTERS, filename, select, stream
from data.export.json_rows import geojson_features, json_records
from data.export.releases import (
    NAME_PATTERN,
    ReleaseError,
    get_release,
    list_releases,
    release_file,
)
from data.filters import IncidentFilter
from data.public.rows import public_rows_table
from data.reference.vocab import DEMO_NOTICE
from data.snapshot.model import GROUPS, Snapshot

blueprint = flask.Blueprint("api_v1", __name__, url_prefix="/api/v1")
rate_limit.register(blueprint)  # first: a refused request costs no work
http_cache.register(blueprint)  # ETag / If-None-Match on every route

#: Frozen release files never change: clients may cache them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
MULTI_COUNT_NOTE = (
    "An incident with several codes of this kind counts once for each, so the counts can add "
    "up to more than the total number of incidents."
)


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
    params = query_params(("format", "page", "per_page"))
    ctx = current()
    snapshot = ctx.snapshot()  # one snapshot per request: validation and counts agree
    flt = incident_filter(params, snapshot)
    fmt = choice(params, "format", ROW_FORMATS, "json")
    if fmt in FILE_FORMATS or (fmt == "geojson" and params.get("per_page", [""])[-1] == "all"):
        return _file_response(fmt, snapshot, flt)
    mask = snapshot.mask(flt)
    positions = snapshot.select_positions(mask)
    has_demo = snapshot.contains_demo(mask)
    per_page = positive_int(params, "per_page", 100, MAX_PER_PAGE)
    pages = max(1, math.ceil(len(positions) / per_page))
    page = positive_int(params, "page", 1, max(pages, 1))
    chunk = positions[(page - 1) * per_page: page * per_page]
    seen_as = caller.projection()
    rows = public_rows_table(ctx.engine, snapshot, chunk, projection=seen_as).to_pandas()
    caller.log_if_restricted("api-page", len(rows), snapshot.fingerprint,
                             record_ids=rows.get("public_id", ()))
    body = _envelope(snapshot, flt, len(positions), has_demo)
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


def _file_response(fmt: str, snapshot: Snapshot, flt: IncidentFilter) -> flask.Response:
    """The whole selection as one streamed download (no file is held in memory)."""
    ctx = current()
    selection = select(ctx.engine, snapshot, flt)
    info = selection.info
    headers = {"Content-Disposition": f'attachment; filename="{filename(fmt, info)}"',
               "X-Incidentmap-Data-Release": info.data_release,
               "X-Incidentmap-Total": str(info.total)}
    if info.has_demo:
        headers["X-Incidentmap-Notice"] = DEMO_NOTICE
    seen_as = caller.projection()
    caller.log_if_restricted(fmt, info.total, info.data_release)
    chunks = stream(fmt, ctx.engine, ctx.taxonomy, selection, projection=seen_as)
    return flask.Response(flask.stream_with_context(chunks),
                          content_type=EXPORTERS[fmt].media_type, headers=headers)


@blueprint.get("/releases")
def releases():
    """Frozen releases, oldest first, with the URL of each file."""
    query_params(())
    ctx = current()
    items = []
    for rel in list_releases(ctx.engine):
        item = rel.as_dict()
        for fmt, entry in item["files"].items():
            entry["url"] = flask.url_for("api_v1.release", name=rel.name, format=fmt)
        items.append(item)
    body = {"data_release": ctx.snapshot().fingerprint, "releases": items}
    return flask.jsonify(body)


@blueprint.get("/releases/<name>")
def release(name: str):
    """The file of a frozen release, byte for byte as frozen (``format=`` picks the file)."""
    params = query_params(("format",))
    ctx = current()
    found = get_release(ctx.engine, name) if NAME_PATTERN.match(name) else None
    if found is None:
        known = [r.name for r in list_releases(ctx.engine)]
        body = {"error": {"message": f"no release named {name!r}", "releases": known}}
        return flask.jsonify(body), 404
    fmt = choice(params, "format", tuple(found.files), "datapackage")
    try:
        path = release_file(ctx.settings.instance_dir, found, fmt)
    except ReleaseError as exc:
        return flask.jsonify({"error": {"message": str(exc)}}), 404
    response = flask.send_file(path, mimetype=EXPORTERS[fmt].media_type, as_attachment=True,
                               download_name=path.name, conditional=True,
                               etag=found.files[fmt]["sha256"])
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Incidentmap-Data-Release"] = found.data_release
    if found.synthetic:
        response.headers["X-Incidentmap-Notice"] = DEMO_NOTICE
    return response


@blueprint.get("/stats")
def stats():
    """Counts grouped by one dimension, for the given filter."""
    params = query_params(("group_by",))
    snapshot = current().snapshot()
    flt = incident_filter(params, snapshot)
    group = choice(params, "group_by", GROUPS, None)
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


def _endpoints() -> list[dict[str, str]]:
    """Every endpoint but the index, with its summary from the OpenAPI document."""
    return [{"path": blueprint.url_prefix + path, "description": item["get"]["summary"]}
            for path, item in api_paths().items() if path != "/"]


@blueprint.get("/")
def index():
    """The API's entry point: what each endpoint answers, and where its full description is."""
    query_params(())
    return flask.jsonify({"api": "incidentmap", "version": "v1",
                          "documentation": "/api/v1/openapi.json",
                          "endpoints": _endpoints()})


@blueprint.route("/<path:unknown>")
def not_found(unknown: str):
    """Unknown API paths answer in JSON, not with the dashboard's HTML."""
    body = {"error": {"message": f"no API endpoint /api/v1/{unknown}",
                      "endpoints": [e["path"] for e in _endpoints()]}}
    return flask.jsonify(body), 404


@blueprint.get("/openapi.json")
def openapi_json():
    """The API as an OpenAPI 3.1 document, built from the code (:mod:`dashboard.api.openapi`)."""
    query_params(())
    snapshot = current().snapshot()  # sources with public records are the allowed ones
    return flask.jsonify(document(snapshot.taxonomy, snapshot.sources,
                                  prefix=blueprint.url_prefix))


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
