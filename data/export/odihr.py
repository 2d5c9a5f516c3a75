"""A member organisation's published records in the shape of the OSCE/ODIHR civil-society call.

ODIHR collects hate crime incidents from civil society once a year, one row per incident:
``Date`` (the month, ``YYYY-MM``), ``Country`` (English name), ``Bias motivations`` (ODIHR's
category names, comma-separated), ``Type of incident`` (ODIHR's type), ``Source`` (who
reports) and ``Description`` (the public description). Those are the columns of ODIHR's own
public export, which the ``odihr`` ingest source reads, so a file written here reads back as it
was sent.

Only what may be sent is written: the organisation's own *published* records, with the
reviewed public summary (never the narrative). Records ODIHR does not collect are left out and
counted by reason: no ODIHR category for any of their bias motivations (e.g. only "unknown"),
an incident type that is not a hate crime in ODIHR's sense (speech, discrimination,
demonstrations), or a date known only to the year.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Engine, select

from data.export.table import FORMULA_PREFIXES
from data.privacy.publication import public_scope
from data.reference.taxonomy import Taxonomy
from data.store.schema import incident_bias_motivations, incident_types, incidents, organisations

HEADER = ("Date", "Country", "Bias motivations", "Type of incident", "Source", "Description")
SKIP_REASONS = {
    "no_month": "the date is known only to the year (ODIHR asks for the month)",
    "no_odihr_bias": "none of its bias motivations is an ODIHR hate crime category",
    "no_odihr_type": "its incident type is not one of ODIHR's hate crime types",
}


class OdihrExportError(ValueError):
    """An unknown organisation or a malformed period."""


@dataclass(frozen=True)
class OdihrExport:
    """The rows to send, and how many published records were left out, by reason."""

    organisation: str
    rows: list[tuple[str, ...]]
    skipped: Counter

    def csv_text(self) -> str:
        """The rows as CSV with ODIHR's header (UTF-8 text, formula-safe descriptions)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for row in self.rows:
            writer.writerow([_safe(value) for value in row])
        return out.getvalue()

    def summary(self) -> str:
        """One line per outcome, for the command line and the page."""
        lines = [f"{len(self.rows):,} incident(s) of {self.organisation} ready to send"]
        lines += [f"{count:,} left out: {SKIP_REASONS[reason]}"
                  for reason, count in sorted(self.skipped.items())]
        return "\n".join(lines)


def _safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _period(text: str | None, end: bool) -> str | None:
    if not text:
        return None
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        raise OdihrExportError(f"{text!r}: give a month as YYYY-MM")
    return f"{text}-31" if end else f"{text}-01"


def _codes(conn, table, ids: list[int]) -> dict[int, list[tuple[str, bool]]]:
    out: dict[int, list[tuple[str, bool]]] = {}
    for start in range(0, len(ids), 5000):
        rows = conn.execute(select(table.c.incident_id, table.c.code, table.c.is_primary)
                            .where(table.c.incident_id.in_(ids[start:start + 5000])))
        for incident_id, code, primary in rows:
            out.setdefault(incident_id, []).append((code, bool(primary)))
    return out


def odihr_rows(engine: Engine, organisation: str, taxonomy: Taxonomy, *,
               month_from: str | None = None, month_to: str | None = None) -> OdihrExport:
    """The organisation's published records as rows of the ODIHR call.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    organisation : str
        The organisation's slug; its records are those it logged (``organisation_id``).
    taxonomy : Taxonomy
        Maps codes to ODIHR's names (``odihr``) and countries to English names.
    month_from, month_to : str, optional
        ``YYYY-MM``: only incidents whose month lies in this period.

    Returns
    -------
    OdihrExport

    Raises
    ------
    OdihrExportError
        For an unknown organisation or a malformed month.
    """
    first, last = _period(month_from, False), _period(month_to, True)
    with engine.connect() as conn:
        org = conn.execute(select(organisations.c.id, organisations.c.name)
                           .where(organisations.c.slug == organisation)).first()
        if org is None:
            raise OdihrExportError(f"no organisation {organisation!r}")
        stmt = (select(incidents.c.id, incidents.c.date_start, incidents.c.date_precision,
                       incidents.c.country, incidents.c.public_summary)
                .where(public_scope(), incidents.c.organisation_id == org.id)
                .order_by(incidents.c.date_start, incidents.c.id))
        if first:
            stmt = stmt.where(incidents.c.date_start >= first)
        if last:
            stmt = stmt.where(incidents.c.date_start <= last)
        records = conn.execute(stmt).all()
        ids = [r.id for r in records]
        biases = _codes(conn, incident_bias_motivations, ids)
        types = _codes(conn, incident_types, ids)
    names = {c.iso2: c.names.get("en", c.iso2) for c in taxonomy.countries()}
    rows, skipped = [], Counter()
    for record in records:
        if record.date_precision == "year":
            skipped["no_month"] += 1
            continue
        categories = []
        for code, _primary in sorted(biases.get(record.id, []), key=lambda c: not c[1]):
            odihr = taxonomy.term(code).odihr if code in taxonomy.codes("bias") else None
            if odihr and odihr not in categories:
                categories.append(odihr)
        if not categories:
            skipped["no_odihr_bias"] += 1
            continue
        ranked = sorted(types.get(record.id, []), key=lambda c: not c[1])
        kinds = [taxonomy.term(code).odihr for code, _p in ranked
                 if code in taxonomy.codes("type") and taxonomy.term(code).odihr]
        if not kinds:
            skipped["no_odihr_type"] += 1
            continue
        rows.append((str(record.date_start)[:7], names.get(record.country, record.country),
                     ", ".join(categories), kinds[0], org.name,
                     record.public_summary or ""))
    return OdihrExport(organisation, rows, skipped)
