"""Reviewing unrecognised labels: list them, map them, re-normalise affected records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, and_, delete, func, insert, select, update

from data.reference.taxonomy import KINDS, load_taxonomy, normalise_label
from data.store.db import bump_version
from data.store.schema import CODE_TABLES, incidents, label_issues, label_mappings


def pending_labels(engine: Engine) -> list[tuple[str, str, int]]:
    """Unrecognised labels waiting for a steward: (kind, example label, records), most first."""
    stmt = (select(label_issues.c.kind, func.min(label_issues.c.raw_label), func.count())
            .where(label_issues.c.status == "pending")
            .group_by(label_issues.c.kind, label_issues.c.label_key)
            .order_by(func.count().desc(), label_issues.c.kind, label_issues.c.label_key))
    with engine.connect() as conn:
        return [(k, label, int(n)) for k, label, n in conn.execute(stmt)]


def map_label(engine: Engine, kind: str, label: str, codes: list[str]) -> int:
    """Store a steward's mapping and add its codes to every record carrying the label.

    Future ingests use the mapping too. Mapping a label again replaces the codes the earlier
    mapping added (a code the record also has from another label is re-added only if the new
    mapping names it). Returns the number of records updated.

    Raises
    ------
    ValueError
        Unknown codes (the message lists the allowed ones).
    """
    taxonomy = load_taxonomy()
    allowed = taxonomy.codes(kind)
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise ValueError(f"unknown {kind} codes {unknown}; allowed: {', '.join(allowed)}")
    key = normalise_label(label)
    table = CODE_TABLES[kind]
    with engine.begin() as conn:
        existing = conn.execute(select(label_mappings.c.id, label_mappings.c.codes).where(and_(
            label_mappings.c.kind == kind, label_mappings.c.label_key == key))).first()
        withdrawn = [c for c in (existing.codes if existing else []) if c not in codes]
        if existing:
            conn.execute(update(label_mappings).where(label_mappings.c.id == existing.id)
                         .values(codes=list(codes)))
        else:
            conn.execute(insert(label_mappings).values(
                kind=kind, label_key=key, codes=list(codes), example=label[:300],
                created_at=dt.datetime.now(dt.UTC)))
        affected = sorted(set(conn.execute(select(label_issues.c.incident_id).where(and_(
            label_issues.c.kind == kind, label_issues.c.label_key == key))).scalars()))
        for incident_id in affected:
            if withdrawn:  # a re-mapping replaces what the earlier mapping added
                conn.execute(delete(table).where(and_(table.c.incident_id == incident_id,
                                                      table.c.code.in_(withdrawn))))
            _add_codes(conn, table, incident_id, codes)
        conn.execute(update(label_issues).where(and_(
            label_issues.c.kind == kind, label_issues.c.label_key == key))
            .values(status="mapped"))
        if affected:
            # an edit of the records' codes: readers that update their snapshot from what
            # changed since a time (data.snapshot.build) find them by updated_at
            conn.execute(update(incidents).where(incidents.c.id.in_(affected))
                         .values(updated_at=dt.datetime.now(dt.UTC)))
            bump_version(conn)
    return len(affected)


def _add_codes(conn, table, incident_id: int, codes: list[str]) -> None:
    """Link ``codes`` to one incident; the first becomes primary if it has none yet."""
    has_primary = "is_primary" in table.c
    columns = [table.c.code, table.c.is_primary] if has_primary else [table.c.code]
    present = conn.execute(select(*columns).where(table.c.incident_id == incident_id)).all()
    have = {row[0] for row in present}
    needs_primary = has_primary and not any(row[1] for row in present)
    for code in (c for c in codes if c not in have):
        row = {"incident_id": incident_id, "code": code}
        if has_primary:
            row["is_primary"] = needs_primary
            needs_primary = False
        conn.execute(insert(table).values(**row))


def steward_mappings(engine: Engine) -> dict[str, dict[str, tuple[str, ...]]]:
    """Label mappings stewards added, per kind: normalised label -> codes."""
    out: dict[str, dict[str, tuple[str, ...]]] = {kind: {} for kind in KINDS}
    with engine.connect() as conn:
        for kind, key, codes in conn.execute(select(
                label_mappings.c.kind, label_mappings.c.label_key, label_mappings.c.codes)):
            out.setdefault(kind, {})[key] = tuple(codes)
    return out
