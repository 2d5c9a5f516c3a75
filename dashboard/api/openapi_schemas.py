"""Parameter and schema objects of the OpenAPI document (see :mod:`dashboard.api.openapi`).

Each enumeration and limit is the constant the API checks against, so these cannot drift from
the behaviour: formats and page size from :mod:`dashboard.api.routes`, groupings from
:mod:`data.snapshot.model`, row columns from :mod:`data.export.fields`, codes and countries from
the taxonomy in use.
"""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.api import parameters
from data.export.fields import RELEASE_COLUMN, fields
from data.export.releases import FROZEN_FORMATS, NAME_PATTERN
from data.filters import FILTER_PARAMS, REGION_PATTERN
from data.reference.taxonomy import Taxonomy
from data.reference.vocab import DEMO_NOTICE
from data.snapshot.model import GROUPS

RELEASE_ID = {"type": "string", "pattern": "^[0-9a-f]{16}$",
              "description": "Id of the published data the answer was computed from."}
_DATE = "^([0-9]{4}-[0-9]{2}(-[0-9]{2})?)?$"
_TYPES = {"string": "string", "date": "string", "number": "number", "boolean": "boolean"}
_LIST_NOTE = ("Repeat the parameter or give a comma-separated list; an empty value does not "
              "restrict.")


def ref(kind: str, name: str) -> dict:
    """A ``$ref`` to ``#/components/{kind}/{name}``."""
    return {"$ref": f"#/components/{kind}/{name}"}


def _list_param(name: str, items: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
            "description": f"{description} {_LIST_NOTE}",
            "schema": {"type": "array", "items": items}}


def _enum(values: Iterable[str], *extra: str) -> dict:
    listed = [*values, *extra]
    return {"type": "string", "enum": listed or [""]}


def filter_parameters(taxonomy: Taxonomy, sources: Iterable[str]) -> dict[str, dict]:
    """The filter parameters of DESIGN §3 as OpenAPI parameter objects.

    Parameters
    ----------
    taxonomy : Taxonomy
        Supplies the allowed country and code values.
    sources : iterable of str
        Slugs of the sources with public records (the only ones a filter accepts).

    Returns
    -------
    dict of str to dict
        Parameter objects keyed by parameter name, in :data:`data.filters.FILTER_PARAMS`
        order.
    """
    date = {"type": "string", "pattern": _DATE}
    out = {
        "date_from": {"name": "date_from", "in": "query", "required": False, "schema": date,
                      "description": "Records whose whole date interval starts on or after "
                                     "this day (YYYY-MM-DD) or month (YYYY-MM)."},
        "date_to": {"name": "date_to", "in": "query", "required": False, "schema": date,
                    "description": "Records whose whole date interval ends on or before this "
                                   "day or month (a month means its last day); not before "
                                   "date_from."},
        "country": _list_param("country", _enum(c.iso2 for c in taxonomy.countries()),
                               "EU member states, ISO 3166-1 alpha-2 (Greece is GR; any "
                               "letter case)."),
        "region": _list_param("region", {"type": "string", "pattern": REGION_PATTERN.pattern},
                              "NUTS 2024 codes of any level, e.g. DE3, DE30, DE300."),
        "bias": _list_param("bias", _enum(taxonomy.codes("bias"), ""),
                            "Bias motivation codes; a parent code includes its children. "
                            "Absent: no bias filter; present but empty: every motivation."),
        "indicator": _list_param("indicator", _enum(taxonomy.codes("indicator")),
                                 "Bias indicator codes; a parent code includes its children."),
        "type": _list_param("type", _enum(taxonomy.codes("type")),
                            "Incident type codes; a parent code includes its children."),
        "source": _list_param("source", _enum(sorted(sources)),
                              "Slugs of sources with public records ('member' stands for "
                              "every member organisation); any letter case."),
    }
    return out


def other_parameters() -> dict[str, dict]:
    """The non-filter parameters (format, paging, group_by, release name, If-None-Match).

    Returns
    -------
    dict of str to dict
        Parameter objects keyed by component name.
    """
    return {
        "format": {"name": "format", "in": "query", "required": False,
                   "schema": {"type": "string", "enum": list(parameters.ROW_FORMATS),
                              "default": "json"},
                   "description": "json and geojson are paged; the other formats stream every "
                                  "row of the filter as one file (see docs/export.md)."},
        "page": {"name": "page", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "default": 1},
                 "description": "Page number, from 1 to the answer's `pages`."},
        "per_page": {"name": "per_page", "in": "query", "required": False,
                     "schema": {"anyOf": [
                         {"type": "integer", "minimum": 1, "maximum": parameters.MAX_PER_PAGE},
                         {"type": "string", "const": "all"}], "default": 100},
                     "description": f"Rows per page, 1 to {parameters.MAX_PER_PAGE}. With "
                                    "format=geojson, `all` streams every row as one file."},
        "group_by": {"name": "group_by", "in": "query", "required": True,
                     "schema": {"type": "string", "enum": list(GROUPS)},
                     "description": "The dimension to count by."},
        "release_format": {"name": "format", "in": "query", "required": False,
                           "schema": {"type": "string", "enum": list(FROZEN_FORMATS),
                                      "default": "datapackage"},
                           "description": "Which frozen file of the release to send."},
        "release_name": {"name": "name", "in": "path", "required": True,
                         "schema": {"type": "string", "pattern": NAME_PATTERN.pattern},
                         "description": "Name of a frozen release (see /releases)."},
        "if_none_match": {"name": "If-None-Match", "in": "header", "required": False,
                          "schema": {"type": "string"},
                          "description": "An ETag from an earlier answer: 304 while it holds."},
    }


def row_schema(taxonomy: Taxonomy, *, with_point: bool = True) -> dict:
    """JSON Schema of one public row of the paged JSON answer (the download columns).

    Parameters
    ----------
    taxonomy : Taxonomy
        Supplies the code constraints of :func:`data.export.fields.fields`.
    with_point : bool, default True
        Include ``lat`` and ``lon`` (GeoJSON features carry them as geometry instead).

    Returns
    -------
    dict
        An object schema that admits no other property: a column outside the public
        projection fails validation.
    """
    properties, required = {}, []
    for column in fields(taxonomy):
        if column.name == RELEASE_COLUMN or (not with_point and column.name in ("lat", "lon")):
            continue  # paged answers name the release once, in the envelope
        spec: dict = {"description": column.description}
        if column.type == "date":
            spec["format"] = "date"
        limits = {k: v for k, v in column.constraints.items() if k in ("minimum", "maximum")}
        spec.update(limits)
        if column.constraints.get("required"):
            required.append(column.name)
            spec["type"] = _TYPES[column.type]
            if "enum" in column.constraints:
                spec["enum"] = list(column.constraints["enum"])
            if "pattern" in column.constraints:
                spec["pattern"] = column.constraints["pattern"]
        else:  # optional columns are null or, for text, may be empty
            spec["type"] = [_TYPES[column.type], "null"]
            if "enum" in column.constraints:
                spec["enum"] = [*column.constraints["enum"], "", None]
            if "pattern" in column.constraints:
                spec["pattern"] = "^$|" + column.constraints["pattern"]
        properties[column.name] = spec
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


def _envelope(extra: dict, required: list[str]) -> dict:
    properties = {
        "data_release": RELEASE_ID,
        "notice": {"enum": [DEMO_NOTICE, None],
                   "description": "Set when the answer counts synthetic demo records."},
        "filter": {"type": "object", "propertyNames": {"enum": list(FILTER_PARAMS)},
                   "additionalProperties": {"type": "string"},
                   "description": "The filter applied, normalised (comma lists)."},
        "description": {"type": "string", "description": "The filter in plain words."},
        "total": {"type": "integer", "minimum": 0,
                  "description": "Incidents matching the filter (each counted once)."},
        **extra,
    }
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "required": ["data_release", "notice", "filter", "description", "total", *required]}


def _paging() -> dict:
    return {
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": parameters.MAX_PER_PAGE},
        "pages": {"type": "integer", "minimum": 1},
        "next": {"type": ["string", "null"], "format": "uri",
                 "description": "URL of the next page; null on the last one."},
    }


def _feature(properties: dict) -> dict:
    point = {"type": "object", "required": ["type", "coordinates"],
             "properties": {"type": {"const": "Point"},
                            "coordinates": {"type": "array", "minItems": 2, "maxItems": 2,
                                            "items": {"type": "number"}}}}
    return {"type": "object", "required": ["type", "id", "geometry", "properties"],
            "properties": {"type": {"const": "Feature"}, "id": {"type": "string"},
                           "geometry": {"anyOf": [point, {"type": "null"}]},
                           "properties": properties}}


def schemas(taxonomy: Taxonomy) -> dict[str, dict]:
    """The component schemas: rows, answers of each route and the error body.

    Parameters
    ----------
    taxonomy : Taxonomy
        For the row schema (:func:`row_schema`).

    Returns
    -------
    dict of str to dict
    """
    paging = _paging()
    page_keys = list(paging)
    problem = {"type": "object", "required": ["parameter", "value", "message", "allowed"],
               "properties": {"parameter": {"type": "string"}, "value": {"type": "string"},
                              "message": {"type": "string"},
                              "allowed": {"type": "array", "items": {"type": "string"}}}}
    term = {"type": "object", "required": ["code", "label", "parent", "description"],
            "properties": {"code": {"type": "string"}, "label": {"type": "string"},
                           "parent": {"type": ["string", "null"]},
                           "description": {"type": ["string", "null"]}}}
    release_file = {"type": "object", "required": ["sha256", "bytes", "url"],
                    "properties": {"sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                                   "bytes": {"type": "integer", "minimum": 0},
                                   "url": {"type": "string"}}}
    return {
        "Row": row_schema(taxonomy),
        "IncidentsPage": _envelope({**paging, "data": {"type": "array",
                                                       "items": ref("schemas", "Row")}},
                                   [*page_keys, "data"]),
        "GeoJsonPage": _envelope({"type": {"const": "FeatureCollection"}, **paging,
                                  "features": {"type": "array", "items": _feature(
                                      row_schema(taxonomy, with_point=False))}},
                                 ["type", *page_keys, "features"]),
        "GeoJsonFile": {"type": "object", "required": ["type", "data_release", "total",
                                                       "fields", "features"],
                        "description": "format=geojson&per_page=all: every row in one file, "
                                       "with the download's metadata as foreign members.",
                        "properties": {"type": {"const": "FeatureCollection"},
                                       "data_release": RELEASE_ID,
                                       "total": {"type": "integer", "minimum": 0},
                                       "fields": {"type": "array"},
                                       "features": {"type": "array", "items": _feature(
                                           {"type": "object"})}}},
        "Stats": _envelope({
            "group_by": {"enum": list(GROUPS)},
            "unplaced": {"type": "integer", "minimum": 0,
                         "description": "Matching records the grouping cannot place."},
            "note": {"type": ["string", "null"]},
            "data": {"type": "array", "items": {
                "type": "object", "required": ["key", "count"],
                "additionalProperties": False,
                "properties": {"key": {"type": "string"},
                               "count": {"type": "integer", "minimum": 0}}}},
        }, ["group_by", "unplaced", "note", "data"]),
        "Index": {"type": "object", "required": ["api", "version", "documentation", "endpoints"],
                  "properties": {
                      "api": {"const": "incidentmap"}, "version": {"const": "v1"},
                      "documentation": {"type": "string"},
                      "endpoints": {"type": "array", "items": {
                          "type": "object", "required": ["path", "description"],
                          "additionalProperties": False,
                          "properties": {"path": {"type": "string"},
                                         "description": {"type": "string"}}}}}},
        "Taxonomy": {"type": "object", "required": ["version", "kinds", "countries"],
                     "properties": {
                         "version": {"type": "string", "const": taxonomy.version},
                         "kinds": {"type": "object", "required": ["bias", "indicator", "type"],
                                   "additionalProperties": {"type": "array", "items": term}},
                         "countries": {"type": "array", "items": {
                             "type": "object", "required": ["iso2", "name"],
                             "properties": {"iso2": {"type": "string"},
                                            "name": {"type": ["string", "null"]}}}}}},
        "Releases": {"type": "object", "required": ["data_release", "releases"],
                     "properties": {"data_release": RELEASE_ID, "releases": {
                         "type": "array", "items": {
                             "type": "object",
                             "required": ["name", "data_release", "created_at", "row_count",
                                          "notice", "files"],
                             "properties": {
                                 "name": {"type": "string", "pattern": NAME_PATTERN.pattern},
                                 "data_release": RELEASE_ID,
                                 "created_at": {"type": "string", "format": "date-time"},
                                 "row_count": {"type": "integer", "minimum": 0},
                                 "notice": {"enum": [DEMO_NOTICE, None]},
                                 "files": {"type": "object",
                                           "propertyNames": {"enum": list(FROZEN_FORMATS)},
                                           "additionalProperties": release_file}}}}}},
        "Error": {"type": "object", "required": ["error"], "additionalProperties": False,
                  "properties": {"error": {
                      "type": "object", "required": ["message"], "additionalProperties": False,
                      "properties": {
                          "message": {"type": "string"},
                          "problems": {"type": "array", "minItems": 1, "items": problem},
                          "endpoints": {"type": "array", "items": {"type": "string"}},
                          "releases": {"type": "array", "items": {"type": "string"}}}}}},
    }
