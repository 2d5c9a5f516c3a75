"""The running server answers as its OpenAPI document says (schemathesis, 127.0.0.1 only).

Generated requests, valid and invalid, go to a real ``incidentmap serve``; every answer must
have a documented status, content type, headers and body, no answer may be a 5xx, and every
400 must name a parameter the request actually had.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dashboard.api.openapi import paths
from dashboard.api.routes import FILE_FORMATS
from tests.dashboard.api.conftest import RELEASE

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
#: Examples per operation and generation mode: enough to reach every enum, bounded in time.
MAX_EXAMPLES = 40


@pytest.fixture(scope="session")
def api_schema(api_server):
    """The served OpenAPI document, loaded by schemathesis against the local server."""
    config = schemathesis.Config.from_dict({"base-url": f"{api_server}/api/v1"})
    return schemathesis.openapi.from_url(f"{api_server}/api/v1/openapi.json", config=config)


def _named_parameters(case, response) -> None:
    """A 400 lists problems, each naming a parameter the request had (or a required one)."""
    if response.status_code != 400:
        return
    problems = response.json()["error"]["problems"]
    sent = set(case.query or {}) | {"group_by"}
    assert problems and all(p["parameter"] in sent for p in problems), (case.query, problems)


def _runs() -> list[tuple[str, GenerationMode]]:
    """Every operation with valid data; with invalid data where it has query parameters."""
    out = []
    for path, item in paths().items():
        out.append((path, GenerationMode.POSITIVE))
        if any(p["$ref"].split("/")[-1] != "if_none_match" for p in item["get"]["parameters"]):
            out.append((path, GenerationMode.NEGATIVE))
    return out


# schemathesis' own pytest loader (from_fixture) fails on pytest 9.2 (Node._nodeid is gone),
# so each operation's strategy is drawn inside a plain hypothesis test.
@pytest.mark.parametrize("path, mode", _runs())
@given(data=st.data())
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_answers_conform_to_the_document(api_schema, path, mode, data):
    case = data.draw(api_schema[path]["GET"].as_strategy(generation_mode=mode))
    response = case.call_and_validate(checks=CHECKS, timeout=60)
    _named_parameters(case, response)


def test_file_formats_have_their_documented_content_type(api_schema):
    operation = api_schema["/incidents"]["GET"]
    for fmt in FILE_FORMATS:
        case = operation.Case(query={"format": fmt, "country": "MT"})
        response = case.call_and_validate(checks=CHECKS, timeout=60)
        assert response.status_code == 200, fmt
        assert response.headers["x-incidentmap-total"][0].isdigit(), fmt


def test_a_frozen_release_file_conforms_and_revalidates(api_schema, api_server):
    case = api_schema["/releases/{name}"]["GET"].Case(path_parameters={"name": RELEASE},
                                                      query={"format": "parquet"})
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 200 and response.content.startswith(b"PAR1")
    url = f"{api_server}/api/v1/releases/{RELEASE}?format=parquet"
    for header, value in (("If-None-Match", response.headers["etag"][0]),
                          ("If-Modified-Since", response.headers["last-modified"][0])):
        again = requests.get(url, headers={header: value}, timeout=30)
        assert again.status_code == 304, header


def test_the_document_lists_the_served_sources(api_server):
    stats = requests.get(f"{api_server}/api/v1/stats?group_by=source", timeout=30).json()
    served = {item["key"] for item in stats["data"]}
    document = requests.get(f"{api_server}/api/v1/openapi.json", timeout=30).json()
    source = document["components"]["parameters"]["source"]["schema"]["items"]["enum"]
    assert served and set(source) == served
