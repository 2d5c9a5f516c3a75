"""SQLAlchemy tables of the store (DESIGN §4). Migrations live in ``data/store/migrations``.

One incident row per event; its several bias motivations, bias indicators and incident types
live in link tables with one primary each (``is_primary``), so one record can count once in
totals and once per code in breakdowns. Provenance (source, source record id, ingest run),
the source's publication policy and the workflow status are columns of the incident.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from data.privacy.roles import ACCOUNT_ROLES, roles_that_can
from data.records.form_fields import REPORT_STATUSES
from data.reference.vocab import (
    CLASSIFICATIONS,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    LOCATION_TYPES,
    POLICIES,
    STATUSES,
)
from data.store.account_schema import account_tables
from data.store.audit_schema import audit_log_table
from data.store.vault_schema import vault_tables

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

#: Objects that migration 0007 creates on PostgreSQL only, absent from these tables: the
#: PostGIS point ``incidents.geom`` (generated from lon/lat, so no writer sets it; a SQLite
#: store has no geometry type) and the indexes on it and for the SQL paths of PostgreSQL.
#: :func:`include_object` hides them from the model/migration comparison.
POSTGRES_ONLY_COLUMNS = frozenset({("incidents", "geom")})
POSTGRES_ONLY_INDEXES = frozenset({"ix_incidents_geom", "ix_incidents_ingest_run_id",
                                   "ix_label_issues_incident_id",
                                   "ix_duplicate_links_other_id",
                                   "ix_incidents_published_id"})  # migration 0012


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: skip the PostgreSQL-only objects (migrations 0007, 0012).

    They exist in a migrated PostgreSQL database but not in this metadata (so that SQLite's
    ``create_all`` and selects of whole tables stay portable); without the hook autogenerate
    would propose dropping them.

    Returns
    -------
    bool
        False for a reflected object listed in :data:`POSTGRES_ONLY_COLUMNS` or
        :data:`POSTGRES_ONLY_INDEXES`, True otherwise.
    """
    if not reflected or compare_to is not None:
        return True
    if type_ == "column":
        return (obj.table.name, name) not in POSTGRES_ONLY_COLUMNS
    if type_ == "index":
        return name not in POSTGRES_ONLY_INDEXES
    return True


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    # OR-ed comparisons, not ``IN (...)``: SQLite builds a lookup table for an IN list on
    # every row it inserts, which halves the speed of bulk loads (migration 0004).
    return CheckConstraint(" OR ".join(f"{column} = '{v}'" for v in values), name=name)


sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False, comment="dataset | organisation | demo"),
    Column("policy", String(16), nullable=False),
    Column("licence", String(200), nullable=False, default=""),
    Column("attribution", Text, nullable=False, default=""),
    Column("url", String(500), nullable=False, default=""),
    _one_of("policy", POLICIES, "policy"),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("public_name_opt_in", Boolean, nullable=False, default=False),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("location", Text, nullable=False, default="", comment="file path or URL read"),
    Column("rows_read", Integer, nullable=False, default=0),
    Column("rows_loaded", Integer, nullable=False, default=0),
    Column("rows_rejected", Integer, nullable=False, default=0),
    Column("rows_merged", Integer, nullable=False, default=0,
           comment="rows already in the store (same source record id)"),
    Column("rows_linked", Integer, nullable=False, default=0,
           comment="loaded rows linked to a likely duplicate for review"),
    Column("policy", String(16), nullable=False, default="member"),
    Column("options", JSON, comment="source, mapping and flags the run used"),
    Column("status", String(16), nullable=False, default="running",
           comment="running | done | failed | undone"),
)

def _report_columns() -> list[Column]:
    """Columns of ``incidents`` filled by the recording form (migration 0009; DOMAIN §6).

    All nullable: ingested records do not carry them. The form field filling each column is
    declared in :mod:`data.records.form_fields`, and values are checked against it by the
    form's validator (``ingest.form``), not by CHECK constraints: adding those to an existing
    SQLite ``incidents`` table needs a table rebuild. Each column's class (who sees it, what
    anonymisation clears) is in :mod:`data.privacy.columns`.
    """
    return [
        Column("source_type", String(32), comment="who told the organisation"),
        Column("time_of_day", String(16)),
        Column("attempted", Boolean),
        Column("target_type", String(32)),
        Column("victim_count", Integer),
        Column("victim_groups", JSON, comment="perceived groups (categories, never identities)"),
        Column("victim_gender", String(16)),
        Column("victim_age_band", String(16)),
        Column("perpetrator_type", String(32)),
        Column("perpetrator_count", String(16)),
        Column("harm_severity", String(24)),
        Column("property_damage", String(16)),
        Column("weapon_used", String(8)),
        Column("reported_to_police", String(16)),
        Column("police_flagged_hate", String(8)),
        Column("reasons_not_reported", JSON),
        Column("justice_outcome", String(16)),
        Column("national_offence_label", String(300)),
        Column("bias_indicator_notes", Text, comment="restricted: may quote slurs"),
        Column("consent_record", Boolean),
        Column("consent_share_network", Boolean),
        Column("consent_publish_aggregate", Boolean),
        Column("consent_police_referral", Boolean),
        Column("consent_recorded_at", DateTime(timezone=True)),
        Column("personal_data_erased_at", DateTime(timezone=True),
               comment="when the record was anonymised (request, consent or retention)"),
    ]


incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("public_id", String(16), nullable=False, unique=True),
    # provenance
    Column("source_id", ForeignKey("sources.id"), nullable=False),
    Column("source_record_id", String(200), nullable=False),
    Column("ingest_run_id", ForeignKey("ingest_runs.id")),
    Column("organisation_id", ForeignKey("organisations.id")),
    Column("policy", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    # time
    Column("date_start", Date, nullable=False),
    Column("date_end", Date, nullable=False),
    Column("date_precision", String(8), nullable=False),
    # place
    Column("country", String(2), nullable=False, comment="ISO 3166-1 alpha-2 (Greece GR)"),
    Column("nuts1", String(3)),
    Column("nuts2", String(4)),
    Column("nuts3", String(5)),
    Column("nuts_version", String(4)),
    Column("lat", Float),
    Column("lon", Float),
    Column("geo_precision", String(12), nullable=False),
    Column("place_name", String(300), comment="place as the source named it"),
    Column("is_online", Boolean, nullable=False, default=False),
    Column("location_type", String(32), nullable=False, default="unknown"),
    # what and why
    Column("classification", String(32), nullable=False, default="unclear"),
    Column("public_summary", Text, comment="reviewed one-line public description"),
    Column("narrative", Text, comment="restricted: never public"),
    Column("narrative_lang", String(16)),
    Column("raw_labels", JSON, comment="labels as received, with the match method"),
    Column("quality_notes", JSON, comment="ingest warnings kept with the record"),
    Column("taxonomy_version", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    *_report_columns(),
    UniqueConstraint("source_id", "source_record_id", name="uq_incidents_source_record"),
    _one_of("policy", POLICIES, "policy"),
    _one_of("status", STATUSES, "status"),
    _one_of("date_precision", DATE_PRECISIONS, "date_precision"),
    _one_of("geo_precision", GEO_PRECISIONS, "geo_precision"),
    _one_of("classification", CLASSIFICATIONS, "classification"),
    _one_of("location_type", LOCATION_TYPES, "location_type"),
    CheckConstraint("date_end >= date_start", name="date_order"),
    CheckConstraint("(lat IS NULL) = (lon IS NULL)", name="point_complete"),
    Index("ix_incidents_status_date", "status", "date_start"),
    Index("ix_incidents_country", "country"),
    Index("ix_incidents_updated_at", "updated_at"),  # the snapshot update (migration 0012)
)


def _code_link(name: str, with_primary: bool) -> Table:
    columns = [
        Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
        Column("code", String(64), primary_key=True),
    ]
    if with_primary:
        columns.append(Column("is_primary", Boolean, nullable=False, default=False))
    return Table(name, metadata, *columns, Index(f"ix_{name}_code", "code", "incident_id"))


incident_bias_motivations = _code_link("incident_bias_motivations", with_primary=True)
incident_bias_indicators = _code_link("incident_bias_indicators", with_primary=False)
incident_types = _code_link("incident_types", with_primary=True)

#: Filter kind -> link table.
CODE_TABLES = {
    "bias": incident_bias_motivations,
    "indicator": incident_bias_indicators,
    "type": incident_types,
}

dataset_state = Table(
    "dataset_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False, default=0, comment="bumped by every write"),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("private_version", Integer, nullable=False, server_default="0", comment="last removal"),
)

label_mappings = Table(
    "label_mappings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("label_key", String(300), nullable=False, comment="normalised label"),
    Column("codes", JSON, nullable=False),
    Column("example", String(300), nullable=False, comment="a raw label as received"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("kind", "label_key", name="uq_label_mappings_kind_key"),
)

label_issues = Table(
    "label_issues",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("raw_label", String(300), nullable=False),
    Column("label_key", String(300), nullable=False),
    Column("status", String(16), nullable=False, default="pending",
           comment="pending | mapped"),
    Index("ix_label_issues_key", "kind", "label_key", "status"),
)

duplicate_links = Table(
    "duplicate_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("other_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("score", Float, nullable=False),
    Column("reasons", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False, default="pending",
           comment="pending | confirmed | rejected"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("incident_id", "other_id", name="uq_duplicate_links_pair"),
    CheckConstraint("incident_id <> other_id", name="distinct_pair"),
)

releases = Table(
    "releases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True, comment="cited name, e.g. 2026-q1"),
    Column("data_release", String(16), nullable=False,
           comment="fingerprint of the published data frozen (data.snapshot.model.Snapshot)"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("synthetic", Boolean, nullable=False, default=False,
           comment="holds synthetic demo records"),
    Column("files", JSON, nullable=False,
           comment="format -> {path (relative to the instance folder), sha256, bytes}"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True, comment="lower case; the login"),
    Column("name", String(200), nullable=False, default=""),
    Column("role", String(16), nullable=False),
    Column("organisation_id", ForeignKey("organisations.id")),
    Column("password_hash", String(255), comment="Argon2id; NULL until set by a one-time link"),
    Column("totp_secret", String(255), comment="TOTP secret once enrolment started, encrypted "
           "(data.people.two_factor); a plain base32 one is encrypted at its next use"),
    Column("totp_enabled", Boolean, nullable=False, default=False),
    Column("totp_last_step", BigInteger,
           comment="the last 30-second step whose code was accepted; it and older are refused"),
    Column("active", Boolean, nullable=False, default=True),
    Column("session_version", Integer, nullable=False, default=1,
           comment="bumped to end every session of the user (password change, disable)"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True)),
    _one_of("role", ACCOUNT_ROLES, "role"),
    CheckConstraint(" AND ".join(f"role <> '{role}'"
                                 for role in roles_that_can("needs_organisation"))
                    + " OR organisation_id IS NOT NULL", name="reporter_has_organisation"),
)

account_tokens = Table(
    "account_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(16), nullable=False,
           comment="set_password (given by an admin) or reset_password (sent by e-mail)"),
    Column("token_hash", String(64), nullable=False, unique=True,
           comment="sha256 of the token; the token itself is only in the link"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

reset_requests = Table(
    "reset_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_key", String(64), nullable=False, comment="sha256 of the e-mail typed"),
    Column("address", String(64), nullable=False, comment="client IP address"),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_reset_requests_account_at", "account_key", "at"),
    Index("ix_reset_requests_address_at", "address", "at"),
    comment="password-reset requests (throttling); kept for one throttle window",
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False, comment="what the owner calls it"),
    Column("token_hash", String(64), nullable=False, unique=True,
           comment="sha256 of the token; the token itself is shown once, at creation"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), comment="NULL: until revoked"),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Index("ix_api_tokens_user_id", "user_id"),
    comment="personal API tokens: read-only /api/v1 access in the owner's projection",
)

user_sessions = Table(
    "user_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True,
           comment="sha256 of the session id; the id itself is only in the browser's cookie"),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("session_version", Integer, nullable=False,
           comment="users.session_version at login; the session ends when the account's moves"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False,
           comment="updated at most once a minute (idle timeout)"),
    Column("ended_at", DateTime(timezone=True), comment="logged out or ended by an admin"),
    Index("ix_user_sessions_user_id", "user_id"),
    comment="server-side login sessions (no address, no user agent: data.people.sessions)",
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_key", String(64), nullable=False, comment="sha256 of the e-mail typed"),
    Column("address", String(64), nullable=False, comment="client IP address"),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Column("kind", String(8), nullable=False, default="password", server_default="password",
           comment="password | code (second factor or recovery code)"),
    Index("ix_login_attempts_account_at", "account_key", "at"),
    Index("ix_login_attempts_address_at", "address", "at"),
)

record_access = Table(
    "record_access",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("role", String(16), nullable=False, comment="the role the records were shown under"),
    Column("kind", String(32), nullable=False,
           comment="what was read: api-page, table-page or a download format"),
    Column("query", Text, nullable=False, comment="the filter and paging, as a query string"),
    Column("records", Integer, nullable=False, comment="how many records were shown"),
    Column("data_release", String(16), nullable=False),
    Column("record_ids", Text, comment="public ids of the records read, comma separated "
           "(empty for large downloads: the query and release name them)"),
    Column("fields", Text, comment="restricted fields shown, comma separated"),
    Column("token_id", Integer,
           comment="the API token used (api_tokens.id); NULL for a browser session"),
    Index("ix_record_access_user_at", "user_id", "at"),
    comment="append-only: who read member records beyond the public projection, and when",
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("updated_by", ForeignKey("users.id"), nullable=False),
    Column("idempotency_key", String(64), nullable=False,
           comment="one per filled form: a retried submit finds the incident it made"),
    Column("status", String(16), nullable=False, comment="draft | submitted"),
    Column("form", JSON, nullable=False, comment="the values as typed, to resume a draft"),
    Column("incident_id", ForeignKey("incidents.id", ondelete="SET NULL")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True)),
    UniqueConstraint("organisation_id", "idempotency_key", name="uq_reports_org_key"),
    _one_of("status", REPORT_STATUSES, "status"),
    Index("ix_reports_org_status", "organisation_id", "status", "updated_at"),
    comment="forms filled on /report: drafts (typed values) and what they were submitted as",
)

audit_log = audit_log_table(metadata)
recovery_codes, account_events = account_tables(metadata)
vault_people, vault_files = vault_tables(metadata)
