"""Ingest results as data: every issue has a stable code, row, field, value and a hint."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

#: Issue codes and whether a row carrying one is rejected (True) or kept with a note.
ISSUE_CODES = {
    "date_missing": True,
    "date_unparseable": True,
    "date_impossible": True,
    "date_future": True,
    "date_too_old": True,
    "date_ambiguous": True,
    "country_missing": True,
    "country_unknown": True,
    "country_out_of_scope": True,
    "point_invalid": True,
    "point_contradicts_country": True,
    "point_outside_unit": False,
    "point_nearest_polygon": False,
    "point_outside_eu": False,
    "region_unknown": False,
    "place_not_found": False,
    "label_unrecognised": False,
    "bias_missing": False,
    "type_missing": False,
    "row_malformed": True,
    "duplicate_in_store": False,
}


@dataclass(frozen=True)
class Issue:
    """One problem found in one row.

    Attributes
    ----------
    code : str
        Stable identifier (a key of :data:`ISSUE_CODES`).
    row : int
        Row number in the source (1 = first data row; for files with a header, the line).
    field : str
        Canonical field the problem is in (``date``, ``country``, ``bias``, ...).
    value : str
        The value as received (shortened to 200 characters).
    hint : str
        What to do about it.
    """

    code: str
    row: int
    field: str
    value: str
    hint: str

    @property
    def rejects(self) -> bool:
        """True when this issue keeps the row out of the store."""
        return ISSUE_CODES.get(self.code, True)

    def as_text(self) -> str:
        """One readable line: ``row 12, date '2016-02-30': date_impossible - hint``."""
        return f"row {self.row}, {self.field} {self.value!r}: {self.code} - {self.hint}"


def issue(code: str, row: int, field_name: str, value, hint: str) -> Issue:
    """Build an :class:`Issue`, shortening the value to 200 characters."""
    text = "" if value is None else str(value)
    return Issue(code, row, field_name, text[:200], hint)


@dataclass
class IngestReport:
    """Totals and issues of one ingest run. ``read == loaded + merged + rejected`` always."""

    source: str
    location: str
    dry_run: bool = False
    run_id: int | None = None
    read: int = 0
    loaded: int = 0
    merged: int = 0
    rejected: int = 0
    linked: int = 0
    issues: list[Issue] = field(default_factory=list)
    rejected_rows: list[tuple[int, dict, list[Issue]]] = field(default_factory=list)
    loaded_by_country: Counter = field(default_factory=Counter)
    stage_seconds: Counter = field(default_factory=Counter)

    @property
    def reconciles(self) -> bool:
        """True when every row read is accounted for."""
        return self.read == self.loaded + self.merged + self.rejected

    def rejected_by_reason(self) -> Counter:
        """Rejected rows per first rejecting issue code."""
        counts: Counter = Counter()
        for _, _, problems in self.rejected_rows:
            first = next((p for p in problems if p.rejects), None)
            counts[first.code if first else "unknown"] += 1
        return counts

    def warnings_by_code(self) -> Counter:
        """Notes kept with loaded records (issues that did not reject a row), per code."""
        rejected = {row for row, _, _ in self.rejected_rows}
        return Counter(p.code for p in self.issues if not p.rejects and p.row not in rejected)

    def summary(self) -> str:
        """The CLI's summary: read / loaded / merged / rejected by reason / notes."""
        head = "DRY RUN (nothing written): " if self.dry_run else ""
        lines = [
            f"{head}{self.source} from {self.location}",
            f"  read {self.read:,} rows: loaded {self.loaded:,}, already in the store "
            f"{self.merged:,}, rejected {self.rejected:,}",
        ]
        if self.run_id is not None and not self.dry_run:
            lines.append(f"  ingest run {self.run_id} (undo with: incidentmap ingest undo "
                         f"{self.run_id})")
        if self.linked:
            lines.append(f"  {self.linked:,} loaded rows linked to likely duplicates for review")
        for code, count in sorted(self.rejected_by_reason().items()):
            lines.append(f"  rejected {count:,}: {code}")
        for code, count in sorted(self.warnings_by_code().items()):
            lines.append(f"  note {count:,}: {code}")
        return "\n".join(lines)

    def write_rejects(self, path: Path) -> None:
        """Write rejected rows with their reasons to a CSV file (UTF-8)."""
        columns: list[str] = []
        for _, raw, _ in self.rejected_rows:
            columns.extend(k for k in raw if k not in columns)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "reject_codes", "reject_reasons", *columns])
            for row, raw, problems in self.rejected_rows:
                rejecting = [p for p in problems if p.rejects]
                writer.writerow([
                    row,
                    ";".join(p.code for p in rejecting),
                    " | ".join(p.as_text() for p in rejecting),
                    *(raw.get(c, "") for c in columns),
                ])

    def write_issues(self, path: Path) -> None:
        """Write every issue (rejecting or not) to a CSV file, one per line."""
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "code", "rejects", "field", "value", "hint"])
            for problem in self.issues:
                writer.writerow([problem.row, problem.code, problem.rejects, problem.field,
                                 problem.value, problem.hint])
