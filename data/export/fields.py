"""The field-level schema of every download: names, types, descriptions and constraints.

One list, :func:`fields`, drives the column order and types of every format (CSV, XLSX,
GeoJSON properties, GeoPackage, Parquet) and the Table Schema of the data package, so a
column is described once. Code constraints come from the taxonomy in use, controlled
vocabularies from :mod:`data.reference.vocab`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from data.reference.taxonomy import Taxonomy
from data.reference.vocab import (
    CLASSIFICATIONS,
    DATE_PRECISIONS,
    DEMO_NOTICE,
    GEO_PRECISIONS,
    LOCATION_TYPES,
    POLICIES,
)

NOTICE_COLUMN = "data_notice"
RELEASE_COLUMN = "data_release"

#: Table Schema type -> Arrow type.
ARROW_TYPES = {"string": pa.string(), "date": pa.date32(), "number": pa.float64(),
               "boolean": pa.bool_()}


@dataclass(frozen=True)
class Field:
    """One column of a download, described as a Frictionless Table Schema field."""

    name: str
    type: str
    description: str
    constraints: dict = field(default_factory=dict, hash=False)

    @property
    def arrow_type(self) -> pa.DataType:
        """The Arrow type of the column (Parquet, GeoPackage)."""
        return ARROW_TYPES[self.type]

    def descriptor(self) -> dict:
        """The field as a Table Schema descriptor (``name``, ``type``, ...)."""
        out = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "date":
            out["format"] = "default"  # ISO 8601, YYYY-MM-DD
        if self.constraints:
            out["constraints"] = dict(self.constraints)
        return out


def _codes_pattern(prefix: str) -> str:
    code = prefix.replace(".", r"\.") + r"[a-z0-9_.]+"
    return f"^{code}(;{code})*$"


def fields(taxonomy: Taxonomy) -> tuple[Field, ...]:
    """The columns of every download, in output order.

    Parameters
    ----------
    taxonomy : Taxonomy
        Supplies the country codes and the codes allowed in the code columns.

    Returns
    -------
    tuple of Field
    """
    countries = [c.iso2 for c in taxonomy.countries()]
    version = taxonomy.version
    return (
        Field("public_id", "string", "Stable public identifier of the incident in incidentmap.",
              {"required": True, "unique": True}),
        Field("date_start", "date", "First day the incident may have happened on. With "
              "date_precision month or year the interval is the whole month or year: the day "
              "is not known and must not be read as the 1st.", {"required": True}),
        Field("date_end", "date", "Last day the incident may have happened on (inclusive).",
              {"required": True}),
        Field("date_precision", "string", "How precisely the date is known. Records of member "
              "organisations are published to the month at most.",
              {"required": True, "enum": list(DATE_PRECISIONS)}),
        Field("country", "string", "EU member state, ISO 3166-1 alpha-2 (Greece is GR).",
              {"required": True, "enum": countries}),
        Field("nuts1", "string", "NUTS 2024 level-1 region; empty when the record is placed "
              "only more coarsely (Greece uses EL here, as Eurostat does).",
              {"pattern": "^[A-Z]{2}[0-9A-Z]$"}),
        Field("nuts2", "string", "NUTS 2024 level-2 region; empty when placed more coarsely.",
              {"pattern": "^[A-Z]{2}[0-9A-Z]{2}$"}),
        Field("nuts3", "string", "NUTS 2024 level-3 region; empty when placed more coarsely.",
              {"pattern": "^[A-Z]{2}[0-9A-Z]{3}$"}),
        Field("geo_precision", "string", "How precisely the place is known. For records of "
              "member organisations: the level of the region shown (nuts3, nuts2, nuts1 or "
              "country), the finest that keeps every public count of them at MIN_CELL or more.",
              {"required": True, "enum": list(GEO_PRECISIONS)}),
        Field("lat", "number", "Latitude (WGS 84, EPSG:4326) of the published point; empty "
              "when no point is published (never for member organisations' records).",
              {"minimum": -90, "maximum": 90}),
        Field("lon", "number", "Longitude (WGS 84, EPSG:4326) of the published point; empty "
              "when no point is published.", {"minimum": -180, "maximum": 180}),
        Field("place_name", "string", "Place as the publishing source named it; empty for "
              "member organisations' records."),
        Field("is_online", "boolean", "True when the incident happened online.",
              {"required": True}),
        Field("location_type", "string", "Kind of place where it happened.",
              {"required": True, "enum": list(LOCATION_TYPES)}),
        Field("classification", "string", "Hate crime, hate incident, hate speech or "
              "discrimination, as classified by the source.",
              {"required": True, "enum": list(CLASSIFICATIONS)}),
        Field("public_summary", "string", "Reviewed one-line public description (for open "
              "datasets: the publisher's own text). In CSV and XLSX files a text that starts "
              "with = + - @ or a tab is prefixed with ' so spreadsheets do not run it."),
        Field("source", "string", "Slug of the source dataset; 'member' for records of member "
              "organisations (never named individually).", {"required": True}),
        Field("policy", "string", "Publication policy of the source: open (released openly "
              "by its publisher), member (coarsened), demo (synthetic).",
              {"required": True, "enum": list(POLICIES)}),
        Field("bias_motivations", "string", "Every bias motivation code, primary first, "
              f"joined by ';' (incidentmap taxonomy {version}).",
              {"pattern": _codes_pattern("bm.")}),
        Field("bias_indicators", "string", "Bias indicator codes (evidence of bias), joined "
              "by ';'; empty when none was recorded.", {"pattern": _codes_pattern("bi.")}),
        Field("incident_types", "string", "Every incident type code, primary first, joined "
              "by ';'.", {"pattern": _codes_pattern("it.")}),
        Field("primary_bias_motivation", "string", "The primary bias motivation code.",
              {"enum": list(taxonomy.codes("bias"))}),
        Field("primary_incident_type", "string", "The primary incident type code.",
              {"enum": list(taxonomy.codes("type"))}),
        Field(NOTICE_COLUMN, "string", "Set on synthetic demo records, which describe no real "
              "incident; empty otherwise.", {"enum": [DEMO_NOTICE]}),
        Field(RELEASE_COLUMN, "string", "Id of the data release the row was exported from "
              "(changes whenever published data change).",
              {"required": True, "pattern": "^[0-9a-f]{16}$"}),
    )


def arrow_schema(columns: tuple[Field, ...]) -> pa.Schema:
    """Arrow schema of ``columns`` (with each description as field metadata)."""
    return pa.schema([pa.field(f.name, f.arrow_type, nullable=True,
                               metadata={"description": f.description}) for f in columns])
