"""Ingest results as data: every issue has a stable code, row, field, value and a hint."""

from __future__ import annotations

import csv
import json
import tempfile
from collections import Counter
from dataclasses import astuple, dataclass, field
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


#: Issues kept in memory as examples; every issue is also spooled to a temporary file.
KEPT_ISSUES = 10_000


@dataclass
class IngestReport:
    """Totals and issues of one ingest run. ``read == loaded + merged + rejected`` always.

    Memory stays bounded whatever the file's size: counts are kept per code, the first
    :data:`KEPT_ISSUES` issues are kept as examples (``issues``), and every issue and
    rejected row is spooled to a temporary file for :meth:`write_issues` and
    :meth:`write_rejects`.
    """

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
    rejections: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    loaded_by_country: Counter = field(default_factory=Counter)
    stage_seconds: Counter = field(default_factory=Counter)
    _spool: object = field(default=None, repr=False)

    def _write(self, record: dict) -> None:
        if self._spool is None:
            # lives as long as the report; the OS removes it when it is closed or collected
            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._spool.write(json.dumps(record, ensure_ascii=False) + "\n")

    def add(self, row: int, original: dict, problems: list[Issue], outcome: str) -> None:
        """Account for one row: ``outcome`` is ``loaded``, ``merged`` or ``rejected``."""
        self.read += 1
        setattr(self, outcome, getattr(self, outcome) + 1)
        room = KEPT_ISSUES - len(self.issues)
        if room > 0:
            self.issues.extend(problems[:room])
        if outcome == "rejected":
            first = next((p for p in problems if p.rejects), None)
            self.rejections[first.code if first else "unknown"] += 1
        else:
            self.notes.update(p.code for p in problems if not p.rejects)
        if problems:
            self._write({"row": row, "outcome": outcome, "original": original,
                         "issues": [list(astuple(p)) for p in problems]})

    def add_clean(self, loaded: int, merged: int) -> None:
        """Account for rows without issues: ``loaded`` new ones, ``merged`` already stored."""
        self.read += loaded + merged
        self.loaded += loaded
        self.merged += merged

    def _spooled(self):
        if self._spool is None:
            return
        self._spool.seek(0)
        for line in self._spool:
            record = json.loads(line)
            record["issues"] = [Issue(*values) for values in record["issues"]]
            yield record

    @property
    def reconciles(self) -> bool:
        """True when every row read is accounted for."""
        return self.read == self.loaded + self.merged + self.rejected

    def rejected_by_reason(self) -> Counter:
        """Rejected rows per first rejecting issue code."""
        return Counter(self.rejections)

    def warnings_by_code(self) -> Counter:
        """Notes kept with loaded records (issues that did not reject a row), per code."""
        return Counter(self.notes)

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
        for code, count in sorted(self.rejections.items()):
            lines.append(f"  rejected {count:,}: {code}")
        for code, count in sorted(self.notes.items()):
            lines.append(f"  note {count:,}: {code}")
        return "\n".join(lines)

    def write_rejects(self, path: Path) -> None:
        """Write rejected rows, as read, with their reasons to a CSV file (UTF-8)."""
        columns: list[str] = []
        for record in self._spooled():
            if record["outcome"] == "rejected":
                columns.extend(k for k in record["original"] if k not in columns)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "reject_codes", "reject_reasons", *columns])
            for record in self._spooled():
                if record["outcome"] != "rejected":
                    continue
                rejecting = [p for p in record["issues"] if p.rejects]
                writer.writerow([
                    record["row"],
                    ";".join(p.code for p in rejecting),
                    " | ".join(p.as_text() for p in rejecting),
                    *(record["original"].get(c, "") for c in columns),
                ])

    def write_issues(self, path: Path) -> None:
        """Write every issue (rejecting or not) to a CSV file, one per line."""
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "code", "rejects", "field", "value", "hint"])
            for record in self._spooled():
                for problem in record["issues"]:
                    writer.writerow([problem.row, problem.code, problem.rejects,
                                     problem.field, problem.value, problem.hint])
