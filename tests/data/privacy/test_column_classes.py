"""Column classes: every column of an incident has one, and the rules read them."""

from __future__ import annotations

from data.privacy.columns import (
    COLUMN_CLASSES,
    PERSONAL_COLUMNS,
    PLACE,
    SOURCE,
    columns_of,
    columns_where,
)
from data.privacy.publication import (
    MEMBER_WITHHELD_COLUMNS,
    PUBLIC_COLUMNS,
    RESEARCHER_MEMBER_COLUMNS,
    RESTRICTED_COLUMNS,
)
from data.store.schema import incidents


def test_every_column_of_the_incident_table_has_a_class():
    stored = set(incidents.c.keys())
    unclassified = sorted(stored - set(COLUMN_CLASSES))
    assert not unclassified, f"decide the class of {unclassified} in data/privacy/columns.py"
    assert set(COLUMN_CLASSES) - stored == {SOURCE}  # the source's slug, joined in


def test_public_and_restricted_columns_split_every_column():
    assert set(PUBLIC_COLUMNS) | set(RESTRICTED_COLUMNS) == set(COLUMN_CLASSES)
    assert not set(PUBLIC_COLUMNS) & set(RESTRICTED_COLUMNS)
    assert set(RESEARCHER_MEMBER_COLUMNS) <= set(PUBLIC_COLUMNS)


def test_personal_data_is_never_public_for_member_records():
    assert set(MEMBER_WITHHELD_COLUMNS) == set(PUBLIC_COLUMNS) & set(PERSONAL_COLUMNS)
    assert columns_of(PLACE) == MEMBER_WITHHELD_COLUMNS == ("lat", "lon", "place_name")
    for name in ("narrative", "bias_indicator_notes", "national_offence_label",
                 "victim_groups", "raw_labels"):
        assert name in RESTRICTED_COLUMNS and name in PERSONAL_COLUMNS, name
    assert columns_where("personal") == PERSONAL_COLUMNS


def test_every_column_a_form_field_fills_has_a_class():
    from data.records.form_fields import FORM_FIELDS

    filled = [column for field in FORM_FIELDS for column in field.columns]
    assert set(filled) <= set(incidents.c.keys())
    assert not [column for column in filled if column not in COLUMN_CLASSES]
