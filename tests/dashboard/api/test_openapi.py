"""The OpenAPI document: valid, complete (every route), and built from the code's constants."""

from __future__ import annotations

import copy
import re

import flask
import jsonschema
import pytest
import schemathesis

from dashboard.api import parameters
from dashboard.api import routes as api_routes
from dashboard.api.openapi import document
from data.filters import FILTER_PARAMS
from data.reference.taxonomy import load_taxonomy
from data.snapshot.model import GROUPS

CATCH_ALL = "api_v1.not_found"  # answers unknown paths with a JSON 404; not an endpoint


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def doc(taxonomy):
    return document(taxonomy, ["demo", "member"])


def test_the_document_is_valid_openapi(doc):
    schemathesis.openapi.from_dict(doc).validate()  # the official OpenAPI 3.1 meta-schema
    for schema in doc["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_the_validation_can_fail(doc):
    broken = copy.deepcopy(doc)
    del broken["paths"]["/stats"]["get"]["responses"]["200"]["description"]
    with pytest.raises(Exception, match="description"):
        schemathesis.openapi.from_dict(broken).validate()


def _blueprint_routes() -> set[tuple[str, str]]:
    app = flask.Flask(__name__)
    app.register_blueprint(api_routes.blueprint)
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api_v1.") or rule.endpoint == CATCH_ALL:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        path = path.removeprefix(api_routes.blueprint.url_prefix)
        out |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def test_every_route_is_documented_and_nothing_else(doc):
    documented = {(path, method) for path, item in doc["paths"].items() for method in item}
    routes = _blueprint_routes()
    assert ("/openapi.json", "get") in routes
    assert routes == documented
    assert doc["servers"] == [{"url": api_routes.blueprint.url_prefix}]


def test_enumerations_come_from_the_code(doc, taxonomy):
    params = doc["components"]["parameters"]
    filters = doc["paths"]["/incidents"]["get"]["parameters"][:len(FILTER_PARAMS)]
    assert [p["$ref"].rsplit("/", 1)[1] for p in filters] == list(FILTER_PARAMS)
    assert [params[name]["name"] for name in FILTER_PARAMS] == list(FILTER_PARAMS)
    assert params["format"]["schema"]["enum"] == list(parameters.ROW_FORMATS)
    assert params["group_by"]["schema"]["enum"] == list(GROUPS)
    assert params["per_page"]["schema"]["anyOf"][0]["maximum"] == parameters.MAX_PER_PAGE
    countries = params["country"]["schema"]["items"]["enum"]
    assert countries == [c.iso2 for c in taxonomy.countries()] and "GR" in countries
    for kind in ("indicator", "type"):
        assert params[kind]["schema"]["items"]["enum"] == list(taxonomy.codes(kind))
    assert set(params["bias"]["schema"]["items"]["enum"]) == {*taxonomy.codes("bias"), ""}
    assert params["source"]["schema"]["items"]["enum"] == ["demo", "member"]
    content = doc["paths"]["/incidents"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "application/geo+json", "text/csv", "application/zip"} <= set(
        content)


def _resolver(doc):
    return jsonschema.Draft202012Validator(
        {"$ref": "#/components/schemas/IncidentsPage", "components": doc["components"]})


def test_real_rows_fit_the_row_schema_and_extra_columns_do_not(client):
    body = client.get("/api/v1/incidents?per_page=200").get_json()
    served = client.get("/api/v1/openapi.json").get_json()
    validator = _resolver(served)
    validator.validate(body)
    leaked = copy.deepcopy(body)
    leaked["data"][0]["narrative"] = "restricted text"
    assert not validator.is_valid(leaked)


def test_the_document_is_served_with_the_api_conventions(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json()["openapi"].startswith("3.1")
    assert response.headers["ETag"] and response.headers["X-Incidentmap-Data-Release"]
    assert client.get("/api/v1/openapi.json", headers={
        "If-None-Match": response.headers["ETag"]}).status_code == 304
    bad = client.get("/api/v1/openapi.json?colour=red")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["problems"][0]["parameter"] == "colour"
    missing = client.get("/api/v1/nothing").get_json()
    assert "/api/v1/openapi.json" in missing["error"]["endpoints"]
