"""Raw labels -> taxonomy codes: exact match, then parts, then longest phrases; never a guess.

A label is matched within the taxonomy of the column it came from (bias, indicator or type).
Order of attempts, each on the normalised label (case-, accent- and punctuation-insensitive):

1. the whole label (a code, a label, an ODIHR label, a synonym, a declared multi-code label,
   or a steward's mapping stored in the database);
2. its parts, split on ``; , & | +`` and `` / `` (each part tried whole first);
3. inside each unmatched part, the longest runs of words that are known labels, longest first,
   without overlaps.

What still matches nothing is reported as unrecognised and kept as received.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from data.reference.taxonomy import Taxonomy, normalise_label

_SPLIT = re.compile(r"\s*(?:[;,&|+]|\s/\s|/)\s*")
MAX_PHRASE_WORDS = 8


@dataclass(frozen=True)
class LabelMatch:
    """The outcome for one raw label (or part of one)."""

    raw: str
    codes: tuple[str, ...]
    method: str  # taxonomy method, "steward", "source_crosswalk", "phrase" or "unrecognised"

    @property
    def recognised(self) -> bool:
        """True when the label gave at least one code."""
        return bool(self.codes)


@dataclass(frozen=True)
class Cell:
    """Everything one raw cell gives.

    Its matches, their distinct codes, and the ``raw_labels`` entry stored with the record.
    """

    matches: tuple[LabelMatch, ...]
    codes: tuple[str, ...]
    described: list[dict]


class LabelMatcher:
    """Matches raw labels of one kind; build once per run and reuse (it caches results).

    Parameters
    ----------
    taxonomy : Taxonomy
    kind : {"bias", "indicator", "type"}
    steward : mapping, optional
        Normalised label -> codes that data stewards added (``incidentmap labels map``).
    crosswalk : mapping, optional
        Normalised label -> codes a source module declares for its own categories.
    """

    def __init__(self, taxonomy: Taxonomy, kind: str,
                 steward: Mapping[str, tuple[str, ...]] | None = None,
                 crosswalk: Mapping[str, tuple[str, ...]] | None = None):
        self.taxonomy = taxonomy
        self.kind = kind
        self.steward = {normalise_label(k): tuple(v) for k, v in (steward or {}).items()}
        self.crosswalk = {normalise_label(k): tuple(v) for k, v in (crosswalk or {}).items()}
        self._index = taxonomy.synonym_index(kind)
        self._cells: dict[str, Cell] = {}

    def _whole(self, text: str) -> LabelMatch | None:
        key = normalise_label(text)
        if not key:
            return None
        if key in self.crosswalk:
            return LabelMatch(text, self.crosswalk[key], "source_crosswalk")
        if key in self.steward:
            return LabelMatch(text, self.steward[key], "steward")
        found = self.taxonomy.match(self.kind, text)
        if found:
            return LabelMatch(text, tuple(found[0]), found[1])
        return None

    def _phrases(self, text: str) -> LabelMatch | None:
        words = normalise_label(text).split()
        taken = [False] * len(words)
        codes: list[str] = []
        for size in range(min(MAX_PHRASE_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if any(taken[start:start + size]):
                    continue
                phrase = " ".join(words[start:start + size])
                found = self.steward.get(phrase) or self._index.get(phrase)
                if found:
                    codes.extend(c for c in found if c not in codes)
                    taken[start:start + size] = [True] * size
        return LabelMatch(text, tuple(codes), "phrase") if codes else None

    def _match(self, text: str) -> tuple[LabelMatch, ...]:
        whole = self._whole(text)
        if whole:
            return (whole,)
        parts = [p for p in _SPLIT.split(text) if p.strip()]
        matches = []
        for part in parts if len(parts) > 1 else [text]:
            found = self._whole(part) or self._phrases(part)
            matches.append(found or LabelMatch(part, (), "unrecognised"))
        return tuple(matches)

    def cell(self, raw: str | None) -> Cell:
        """Match one raw cell (cached per distinct text: files repeat their labels).

        Parameters
        ----------
        raw : str or None
            The cell as received; an empty cell gives no matches.

        Returns
        -------
        Cell
            Shared between rows with the same text: do not mutate.
        """
        text = "" if raw is None else str(raw).strip()
        found = self._cells.get(text)
        if found is None:
            matches = self._match(text) if text else ()
            found = Cell(matches, tuple(codes_of(matches)),
                         [{"label": m.raw, "codes": list(m.codes), "method": m.method}
                          for m in matches])
            if len(self._cells) < 50_000:
                self._cells[text] = found
        return found

    def match(self, raw: str | None) -> tuple[LabelMatch, ...]:
        """One result per recognised or unrecognised part of a raw cell."""
        return self.cell(raw).matches


def codes_of(matches: tuple[LabelMatch, ...]) -> list[str]:
    """Distinct codes of several matches, in the order they were found."""
    out: list[str] = []
    for found in matches:
        out.extend(c for c in found.codes if c not in out)
    return out
