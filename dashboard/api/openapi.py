"""The OpenAPI 3.1 document of ``/api/v1`` (DESIGN §3), built from the code it describes.

Every enumeration and limit comes from the constant the API itself checks against (see
:mod:`dashboard.api.openapi_schemas`): the row formats and page limit of
:mod:`dashboard.api.routes`, the groupings of :mod:`data.snapshot.model`, the download columns of
:mod:`data.export.fields`, the codes and countries of the taxonomy in use and the sources of the
public snapshot. A change to any of them changes the document, so it cannot drift from the behaviour
(``tests/dashboard/api`` checks a running server against it).
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata

from dashboard.api import parameters
from dashboard.api.openapi_schemas import (
    RELEASE_ID,
    filter_parameters,
    other_parameters,
    ref,
    schemas,
)
from data.export import EXPORTERS
from data.export.releases import FROZEN_FORMATS
from data.filters import FILTER_PARAMS
from data.reference.taxonomy import Taxonomy
from data.reference.vocab import DEMO_NOTICE

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"
BINARY = {"type": "string", "format": "binary"}


def _media(media_type: str) -> str:
    return media_type.split(";")[0].strip()


def _app_version() -> str:
    try:
        return metadata.version("incidentmap")
    except metadata.PackageNotFoundError:
        return "dev"


#: Header component name -> HTTP header name.
HEADERS = {"ETag": "ETag", "CacheControl": "Cache-Control",
           "DataRelease": "X-Incidentmap-Data-Release", "Notice": "X-Incidentmap-Notice",
           "Total": "X-Incidentmap-Total", "Disposition": "Content-Disposition",
           "LastModified": "Last-Modified", "RetryAfter": "Retry-After"}


def _headers() -> dict[str, dict]:
    text = {"type": "string"}
    return {
        "ETag": {"required": True, "schema": text,
                 "description": "Tag of this answer under the current data release; send it "
                                "as If-None-Match to get 304 while nothing changed."},
        "CacheControl": {"required": True, "schema": text,
                         "description": "Data answers: no-cache (keep, but revalidate); "
                                        "release files: immutable for a year."},
        "DataRelease": {"required": True, "schema": RELEASE_ID,
                        "description": "The data release the answer was computed from."},
        "Notice": {"required": False, "schema": {"const": DEMO_NOTICE},
                   "description": "Set on files that hold synthetic demo records."},
        "Total": {"required": False, "schema": {"type": "string", "pattern": "^[0-9]+$"},
                  "description": "Rows in the file (file formats only)."},
        "Disposition": {"required": False, "schema": text,
                        "description": "attachment, with the file's name (files only)."},
        "RetryAfter": {"required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"},
                       "description": "Seconds until the client may make requests again."},
        "LastModified": {"required": True, "schema": text,
                         "description": "When the release file was written (HTTP date); "
                                        "If-Modified-Since is honoured."},
    }


def _ok(description: str, content: dict, *extra_headers: str) -> dict:
    names = ("ETag", "CacheControl", "DataRelease", *extra_headers)
    return {"description": description, "content": content,
            "headers": {HEADERS[h]: ref("headers", h) for h in names}}


def _responses() -> dict[str, dict]:
    error = {JSON: {"schema": ref("schemas", "Error")}}
    return {
        "NotModified": {"description": "The client's copy (If-None-Match) is current.",
                        "headers": {"ETag": ref("headers", "ETag")}},
        "BadRequest": {"description": "A parameter is unknown or malformed; each problem names "
                                      "the parameter and the allowed values.",
                       "content": error},
        "TooManyRequests": {"description": "More requests this minute than the rate limit "
                                           "(INCIDENTMAP_API_RATE_LIMIT) allows a client.",
                            "content": error,
                            "headers": {"Retry-After": ref("headers", "RetryAfter")}},
        "NotFound": {"description": "No such release, or its file is missing.",
                     "content": error},
    }


def _get(summary: str, parameters: list[dict], responses: dict, *, name: str) -> dict:
    common = {"304": ref("responses", "NotModified"), "400": ref("responses", "BadRequest"),
              "429": ref("responses", "TooManyRequests")}
    return {"get": {"summary": summary, "operationId": name,
                    "parameters": [*parameters, ref("parameters", "if_none_match")],
                    "responses": {**responses, **common}}}


def _json(schema: str) -> dict:
    return {JSON: {"schema": ref("schemas", schema)}}


def paths() -> dict[str, dict]:
    """Path items of every route of the API blueprint, relative to the server URL.

    Returns
    -------
    dict of str to dict
    """
    filters = [ref("parameters", name) for name in FILTER_PARAMS]
    files = {_media(EXPORTERS[f].media_type): {"schema": BINARY} for f in parameters.FILE_FORMATS}
    geojson = {"application/geo+json": {"schema": {"anyOf": [
        ref("schemas", "GeoJsonPage"), ref("schemas", "GeoJsonFile")]}}}
    frozen = {_media(EXPORTERS[f].media_type): {"schema": BINARY} for f in FROZEN_FORMATS}
    return {
        "/": _get(
            "The API's entry point: its endpoints and where this document is.", [],
            {"200": _ok("The endpoints.", _json("Index"))}, name="index"),
        "/incidents": _get(
            "Incidents matching the filter, in the public projection.",
            [*filters, *(ref("parameters", p) for p in ("format", "page", "per_page"))],
            {"200": _ok("A page of rows (json, geojson) or every row as one file.",
                        {**_json("IncidentsPage"), **geojson, **files},
                        "Notice", "Total", "Disposition")}, name="incidents"),
        "/stats": _get(
            "Counts grouped by one dimension. A record with several codes of the grouped kind "
            "counts once per code.", [ref("parameters", "group_by"), *filters],
            {"200": _ok("Counts.", _json("Stats"))}, name="stats"),
        "/taxonomy": _get(
            "The taxonomy in use: codes, labels, parents and descriptions per kind.", [],
            {"200": _ok("The taxonomy.", _json("Taxonomy"))}, name="taxonomy"),
        "/releases": _get(
            "Frozen releases, oldest first, with the URL of each file.", [],
            {"200": _ok("The releases.", _json("Releases"))}, name="releases"),
        "/releases/{name}": _get(
            "A frozen release's file, byte for byte as frozen (strong ETag: its SHA-256).",
            [ref("parameters", "release_name"), ref("parameters", "release_format")],
            {"200": _ok("The file.", frozen, "Notice", "Disposition", "LastModified"),
             "404": ref("responses", "NotFound")}, name="release"),
        "/openapi.json": _get(
            "This document.", [],
            {"200": _ok("The OpenAPI document.", {JSON: {"schema": {
                "type": "object", "required": ["openapi", "info", "paths"]}}})},
            name="openapi"),
    }


def document(taxonomy: Taxonomy, sources: Iterable[str], *, prefix: str = "/api/v1") -> dict:
    """The OpenAPI 3.1 document of the API as it answers now.

    Parameters
    ----------
    taxonomy : Taxonomy
        The taxonomy in use (codes, countries and version).
    sources : iterable of str
        Slugs of the sources with public records (``Snapshot.sources``).
    prefix : str, default "/api/v1"
        Where the API blueprint is mounted: the document's server URL.

    Returns
    -------
    dict
        JSON-ready OpenAPI document.
    """
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "incidentmap API", "version": _app_version(),
                 "description": "Public, read-only access to the incidents the dashboard "
                                "maps, in the public projection of its downloads (taxonomy "
                                f"{taxonomy.version}). Unknown or malformed parameters are a "
                                "400 naming the parameter and the allowed values. Researchers' "
                                "scripts send a personal API token (scheme `personalToken`, "
                                "made on the account page) and get the researcher projection; "
                                "a refused token is a 401 saying why."},
        "servers": [{"url": prefix}],
        "paths": paths(),
        "components": {
            "parameters": {**filter_parameters(taxonomy, sources), **other_parameters()},
            "schemas": schemas(taxonomy),
            "responses": _responses(),
            "headers": _headers(),
            "securitySchemes": {"personalToken": {
                "type": "http", "scheme": "bearer",
                "description": "Optional. A personal API token, `Authorization: Bearer TOKEN` "
                               "(never in the URL). Read-only: accepted by these GET routes "
                               "and nowhere else; every use is in the access log."}},
        },
    }
