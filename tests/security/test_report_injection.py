"""SQL-injection strings typed into every text field of /report are stored verbatim, harmlessly.

The strings go through the real callback path the form uses (``/_dash-update-component``
with the session's CSRF token and this site's Origin): "save draft" keeps every field as typed,
"submit" validates with ingest's rules and stores the record. Free-text fields must come back
from the store exactly as typed; fields with a format (dates, the victim count) are refused
with a message and nothing is stored; and no table is dropped, added or changed beyond the
one draft and the one record the clicks create.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, inspect, select

from dashboard.pages.report import form as rf
from dashboard.pages.report import page as report
from data.store.schema import CODE_TABLES, incidents, metadata, reports
from tests import factories
from tests.conftest import BACKENDS
from tests.dashboard.pages.test_report_page import _as_typed, _payload, _post
from tests.data.export.export_store import CANARY_RECORDS
from tests.data.records.test_reports import valid_form
from tests.security.web import log_in_as

SQL = ("' OR 1=1 --", "x'); DROP TABLE incidents; --", "1; DELETE FROM users WHERE 1=1; --",
       "' UNION SELECT password_hash, email FROM users --", '"); UPDATE users SET role=\'admin',
       "$$; DROP TABLE reports; $$", "%' AND 1=0 UNION SELECT sqlite_version() --",
       "\\'; TRUNCATE organisations CASCADE; --")
#: Every text input of the form (free text, and text with a format the validator checks).
TEXT_FIELDS = tuple(n for n, kind in rf.KINDS.items() if kind in ("text", "textarea"))
FREE_TEXT = {"place": "place_name", "national_offence_label": "national_offence_label",
             "bias_indicator_notes": "bias_indicator_notes", "narrative": "narrative"}
FORMATTED = ("date", "date_end", "victim_count")


def test_the_test_covers_every_text_field():
    assert set(TEXT_FIELDS) == set(FREE_TEXT) | set(FORMATTED)


@pytest.fixture(params=BACKENDS)
def site(request, tmp_path):
    with factories.site(tmp_path, request.param, demo_rows=50, records=CANARY_RECORDS,
                        organisations=(("ngo-leipzig", "An NGO in Leipzig", "DE"),),
                        accounts=(("rep@example.org", "reporter", "ngo-leipzig"),)) as site:
        yield site.engine, site.app


def _state(engine) -> dict:
    """Every table's row count, and the table names, of the store."""
    with engine.connect() as conn:
        counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                  for t in metadata.sorted_tables}
    return {"tables": sorted(inspect(engine).get_table_names()), **counts}


def _save_payload(app, token, key, form_values: dict) -> dict:
    """The "save draft" click, as the page sends it."""
    submit = _payload(app, token, key, form_values)
    output = next(k for k in app.callback_map if report.DRAFT_STATUS in k)
    return {"output": output,
            "outputs": [{"id": report.DRAFT_STATUS, "property": "children"},
                        {"id": report.DRAFTS, "property": "children"}],
            "inputs": [{"id": "report-save", "property": "n_clicks", "value": 1}],
            "changedPropIds": ["report-save.n_clicks"], "state": submit["state"]}


def test_sql_strings_in_every_text_field_are_kept_verbatim(site):
    engine, app = site
    client = app.server.test_client()
    token = log_in_as(client, engine, "rep@example.org")
    before = _state(engine)
    typed = _as_typed(valid_form(date="2020-03-05", geo_precision="country"))
    # 1. a draft keeps every text field exactly as typed, formatted ones included
    draft = {**typed, **{name: SQL[i % len(SQL)] for i, name in enumerate(TEXT_FIELDS)}}
    saved = _post(client, _save_payload(app, token, "d" * 22, draft))
    assert saved.status_code == 200, saved.get_data(as_text=True)
    with engine.connect() as conn:
        form = conn.execute(select(reports.c.form).where(
            reports.c.idempotency_key == "d" * 22)).scalar_one()
    form = json.loads(form) if isinstance(form, str) else form
    assert {n: form[n] for n in TEXT_FIELDS} == {n: draft[n] for n in TEXT_FIELDS}
    # 2. a submit with a SQL string where a date or a number belongs is refused, field by field
    for name in FORMATTED:
        refused = _post(client, _payload(app, token, "r" * 21 + name[0],
                                         {**typed, name: SQL[0]}))
        assert refused.status_code == 200
        body = refused.get_json()["response"]
        slot = json.dumps({"field": name, "type": rf.MESSAGE}, separators=(",", ":"))
        assert body[slot]["children"], name
    # 3. a submit with SQL strings in every free-text field stores them verbatim
    values = {name: SQL[i + 1] for i, name in enumerate(FREE_TEXT)}
    done = _post(client, _payload(app, token, "s" * 22, {**typed, **values}))
    assert done.status_code == 200 and "status submitted" in done.get_data(as_text=True), \
        done.get_data(as_text=True)
    with engine.connect() as conn:
        stored = conn.execute(select(incidents.c.id, incidents.c.source_id,
                                     *(incidents.c[c] for c in FREE_TEXT.values())).where(
            incidents.c.status == "submitted", incidents.c.narrative == values["narrative"])
        ).one()
        links = {t.name: conn.execute(select(func.count()).select_from(t).where(
            t.c.incident_id == stored.id)).scalar() for t in CODE_TABLES.values()}
        new_source = conn.execute(select(func.count()).select_from(incidents).where(
            incidents.c.source_id == stored.source_id)).scalar() == 1
    assert dict(zip(FREE_TEXT.values(), stored[2:], strict=True)) == {
        column: values[name] for name, column in FREE_TEXT.items()}
    # 4. the place lookup reads the gazetteer, never SQL
    lookup = next(k for k in app.callback_map if "report-find-msg" in k)
    found = _post(client, {
        "output": lookup, "outputs": [
            {"id": "report-point", "property": "data"},
            {"id": rf.field_id("geo_precision"), "property": "value"},
            {"id": "report-find-msg", "property": "children"}],
        "inputs": [{"id": "report-find", "property": "n_clicks", "value": 1}],
        "state": [{"id": rf.field_id("place"), "property": "value", "value": SQL[1]},
                  {"id": rf.field_id("country"), "property": "value", "value": "DE"},
                  {"id": report.LANG, "property": "data", "value": "en"}],
        "changedPropIds": ["report-find.n_clicks"]})
    assert found.status_code == 200
    # nothing else changed: the same tables; the draft and the submitted report, the
    # incident, its code links and (on the organisation's first record) its source
    after = _state(engine)
    changed = {name: after[name] - before[name] for name in before
               if name != "tables" and before[name] != after[name]}
    assert changed == {"reports": 2, "incidents": 1, **links,
                       **({"sources": 1} if new_source else {})}
    assert after["tables"] == before["tables"]
