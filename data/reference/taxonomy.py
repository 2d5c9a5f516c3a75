"""The project's taxonomy (bias motivations, bias indicators, incident types) and label keys.

`load_taxonomy` reads and checks ``data/reference/taxonomy.yaml`` into an immutable `Taxonomy`;
`normalise_label` makes the lookup key of a raw label. Nothing is read at import time.
Matching here is exact on normalised labels within one taxonomy; longest-phrase tokenised
search over free text belongs to ingest (see `Taxonomy.match`).
"""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from data.reference.taxonomy_checks import by_language, text_list, translations

#: Filter parameter names of the three taxonomies, in file order.
KINDS = ("bias", "indicator", "type")
#: YAML section and code prefix of each kind.
SECTIONS = {"bias": "bias_motivations", "indicator": "bias_indicators", "type": "incident_types"}
PREFIXES = {"bias": "bm.", "indicator": "bi.", "type": "it."}
#: The project's taxonomy file.
DEFAULT_PATH = Path(__file__).resolve().parent / "taxonomy.yaml"
#: Match methods, strongest first; a label claimed by one code in several ways keeps the first.
METHODS = ("code", "multi_code_label", "label", "odihr_label", "synonym", "target_group")

# Letters of EU languages that NFKD does not decompose (Polish ł, Croatian đ, Danish ø and æ,
# Maltese ħ, Turkish ı as in "Kıbrıs", French œ); applied after casefold.
_FOLD = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe"})


class TaxonomyError(ValueError):
    """A taxonomy that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        listed = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{source}: {len(self.problems)} taxonomy problem(s):\n{listed}")


@dataclass(frozen=True)
class Term:
    """One code of a taxonomy. Treat its dicts as read-only: they are shared."""

    code: str
    kind: str
    label: str
    description: str
    parent: str | None
    severity_rank: int | None
    odihr: str | None
    synonyms: dict[str, tuple[str, ...]] = field(hash=False)
    odihr_legacy: tuple[str, ...] = ()
    target_groups: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    deprecated: bool = False
    replaced_by: str | None = None
    #: Display labels in other interface languages (``fr``, ``de``...); English is ``label``.
    labels: dict[str, str] = field(default_factory=dict, hash=False)
    #: Descriptions in other interface languages; English is ``description``.
    descriptions: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Country:
    """One EU-27 member state. ``iso2`` is canonical; ``eurostat`` differs only for Greece."""

    iso2: str
    iso3: str
    num: str
    eurostat: str
    names: dict[str, str] = field(hash=False)
    endonyms: tuple[str, ...]
    variants: tuple[str, ...]


def normalise_label(text: str) -> str:
    """Return the lookup key of a label: case-, accent- and punctuation-insensitive.

    NFKC; casefold (ß -> ss, final ς -> σ); NFKD, dropping combining marks and format
    characters (soft hyphen); map letters that do not decompose (ł đ ø ħ ı æ œ); punctuation
    (hyphens, slashes, underscores...), controls and separators -> one space; strip. Idempotent.

    Examples
    --------
    >>> normalise_label(" Anti-Muslim / ISLAMOPHOBIE "), normalise_label("Łotwa, Straße")
    ('anti muslim islamophobie', 'lotwa strasse')
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if unicodedata.combining(char) or category in ("Mn", "Me", "Cf"):
            continue
        kept.append(" " if category[0] in "PZ" or category == "Cc" else char)
    return " ".join("".join(kept).translate(_FOLD).split())


class Taxonomy:
    """A checked, immutable taxonomy built from the parsed YAML ``data``.

    Raises `TaxonomyError` listing every problem: duplicate codes, wrong prefixes, bad parents,
    incident types without ``severity_rank``, a normalised label of two codes of one taxonomy
    not declared in ``multi_code_labels``, malformed entries.
    """

    __slots__ = ("version", "name", "source", "_terms", "_by_code", "_children", "_countries",
                 "_index")

    def __init__(self, data: Mapping[str, Any], source: str = "<mapping>") -> None:
        problems: list[str] = []
        meta = data.get("meta") if isinstance(data.get("meta"), Mapping) else {}
        if not isinstance(version := meta.get("version"), str) or not version:
            problems.append("meta.version is missing (a string such as '0.2.0')")
        terms = {kind: _parse_section(data, kind, problems) for kind in KINDS}
        every = [term for kind in KINDS for term in terms[kind]]
        by_code: dict[str, Term] = {}
        for term in every:
            if term.code in by_code:
                problems.append(f"duplicate code {term.code!r}")
            by_code.setdefault(term.code, term)
        children: dict[str, list[str]] = {code: [] for code in by_code}
        for term in every:
            _check_links(term, by_code, problems)
            if term.parent in children and term.parent != term.code:
                children[term.parent].append(term.code)
        multi = _parse_multi(data.get("multi_code_labels"), by_code, problems)
        index = {kind: _build_index(terms[kind], by_code, multi[kind], problems) for kind in KINDS}
        countries = _parse_countries(data.get("countries"), problems)
        if problems:
            raise TaxonomyError(source, problems)
        for name, value in (("version", version), ("name", meta.get("name") or ""),
                            ("source", source), ("_terms", terms), ("_by_code", by_code),
                            ("_children", {c: tuple(v) for c, v in children.items()}),
                            ("_countries", countries), ("_index", index)):
            object.__setattr__(self, name, value)

    def _immutable(self, *args: object) -> None:
        raise AttributeError("Taxonomy is immutable")

    __setattr__ = __delattr__ = _immutable

    def __repr__(self) -> str:
        return f"Taxonomy(version={self.version!r}, source={self.source!r})"

    def terms(self, kind: str) -> tuple[Term, ...]:
        """Return the terms of one kind (``bias``, ``indicator``, ``type``) in file order."""
        return self._terms[_check_kind(kind)]

    def codes(self, kind: str) -> tuple[str, ...]:
        """Return the codes of one kind in file order."""
        return tuple(term.code for term in self.terms(kind))

    def term(self, code: str) -> Term:
        """Return the term of a code; KeyError naming close matches for an unknown code."""
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            close = difflib.get_close_matches(str(code), self._by_code, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"unknown taxonomy code {code!r} (taxonomy {self.version}; codes "
                           f"start with bm., bi. or it.){hint}") from None

    def kind_of(self, code: str) -> str:
        """Return the kind (``bias``, ``indicator`` or ``type``) of a code."""
        return self.term(code).kind

    def children(self, code: str) -> tuple[str, ...]:
        """Return the direct children of a code in file order."""
        self.term(code)
        return self._children[code]

    def expand(self, kind: str, codes: Iterable[str] | str) -> frozenset[str]:
        """Return the codes plus all their descendants (a parent includes its children).

        ``codes`` are of ``kind`` (a single string is one code); a ValueError names the
        unknown ones and lists the allowed codes.
        """
        allowed = self.codes(kind)
        wanted = (codes,) if isinstance(codes, str) else tuple(codes)
        unknown = [code for code in wanted if code not in allowed]
        if unknown:
            raise ValueError(f"unknown {kind} code(s): {', '.join(map(repr, unknown))}; "
                             f"allowed {kind} codes: {', '.join(allowed)}")
        found, stack = set(), list(wanted)
        while stack:
            code = stack.pop()
            if code not in found:
                found.add(code)
                stack.extend(self._children[code])
        return frozenset(found)

    def label(self, code: str, lang: str = "en") -> str:
        """Return the display label of a code in ``lang``, else its English label."""
        term = self.term(code)
        return term.labels.get(lang, term.label)

    def description(self, code: str, lang: str = "en") -> str:
        """Return the description of a code in ``lang``, the English one when it has none."""
        term = self.term(code)
        return term.descriptions.get(lang, term.description)

    def countries(self) -> tuple[Country, ...]:
        """Return the EU-27 member states in EU protocol order."""
        return self._countries

    def synonym_index(self, kind: str) -> dict[str, tuple[str, ...]]:
        """Return a fresh dict: normalised label -> codes (several only if declared)."""
        return {key: codes for key, (codes, _) in self._index[_check_kind(kind)].items()}

    def match(self, kind: str, raw_label: str) -> tuple[tuple[str, ...], str] | None:
        """Map a raw label to ``(codes, method)`` by exact normalised match, else None.

        ``kind`` is the taxonomy of the source column (never guess it from the term: "Hetze"
        is a bias indicator *and* an incident type). ``method`` is one of `METHODS`;
        ``target_group`` (a victim-group name) is the weakest. Extension point: ingest's
        longest-phrase tokenised search over `synonym_index` keys handles what returns None.
        """
        index = self._index[_check_kind(kind)]
        code = raw_label.strip().casefold() if isinstance(raw_label, str) else ""
        if code in self._by_code and self._by_code[code].kind == kind:
            return (code,), "code"
        # Extension point (ingest): tokenised longest-phrase search goes after this lookup.
        return index.get(normalise_label(raw_label)) if code else None


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown taxonomy kind {kind!r}; allowed: {', '.join(KINDS)}")
    return kind


def _parse_section(data: Mapping, kind: str, problems: list[str]) -> tuple:
    section = SECTIONS[kind]
    if not isinstance(data.get(section), list):
        problems.append(f"section {section!r} is missing or not a list")
        return ()
    terms = []
    for position, raw in enumerate(data[section]):
        code = raw.get("code") if isinstance(raw, Mapping) else None
        if not isinstance(code, str) or not code:
            problems.append(f"{section}[{position}]: no code")
            continue
        where = f"{section} {code}"
        if not code.startswith(PREFIXES[kind]) or code != code.strip().casefold():
            problems.append(f"{where}: codes of {section} are lower-case and start with "
                            f"{PREFIXES[kind]!r}")
        label = raw.get("label")
        if not isinstance(label, str) or not normalise_label(label):
            problems.append(f"{where}: no label")
            label = code
        rank = raw.get("severity_rank")
        if (rank is None and kind == "type") or (
                rank is not None and (isinstance(rank, bool) or not isinstance(rank, int))):
            problems.append(f"{where}: severity_rank must be an integer (1 = most severe)")
            rank = None
        odihr = raw.get({"bias": "odihr_category", "type": "odihr_type"}.get(kind, ""))
        if kind == "indicator" and isinstance(raw.get("crosswalk"), Mapping):
            odihr = raw["crosswalk"].get("odihr")
        if odihr is not None and not isinstance(odihr, str):
            problems.append(f"{where}: the ODIHR label must be a string, got {odihr!r}")
            odihr = None
        terms.append(Term(
            code=code, kind=kind, label=label, description=str(raw.get("description") or ""),
            parent=raw.get("parent"), severity_rank=rank, odihr=odihr,
            synonyms=by_language(raw.get("synonyms"), f"{where} synonyms", problems),
            odihr_legacy=text_list(raw.get("odihr_legacy_labels"), f"{where} legacy", problems),
            target_groups=by_language(raw.get("target_group_terms"), f"{where} groups", problems),
            deprecated=bool(raw.get("deprecated", False)), replaced_by=raw.get("replaced_by"),
            labels=translations(raw.get("labels"), f"{where} labels", problems),
            descriptions=translations(raw.get("descriptions"), f"{where} descriptions",
                                       problems),
        ))
    return tuple(terms)


def _check_links(term: Term, by_code: Mapping[str, Term], problems: list[str]) -> None:
    for name, target in (("parent", term.parent), ("replaced_by", term.replaced_by)):
        other = by_code.get(target) if target is not None else term
        if other is None:
            problems.append(f"{term.code}: {name} {target!r} does not exist")
        elif other.kind != term.kind:
            problems.append(f"{term.code}: {name} {target!r} is a {other.kind} code, "
                            f"not a {term.kind} code")
    seen, parent = {term.code}, term.parent
    while parent in by_code and by_code[parent].kind == term.kind:
        if parent in seen:
            problems.append(f"{term.code}: its parent chain loops back to {parent!r}")
            break
        seen.add(parent)
        parent = by_code[parent].parent


def _parse_multi(entries: Any, by_code: Mapping[str, Term], problems: list[str]) -> dict:
    multi: dict[str, dict[str, tuple[str, ...]]] = {kind: {} for kind in KINDS}
    if not isinstance(entries, list | None):
        problems.append("multi_code_labels must be a list")
    for position, raw in enumerate(entries if isinstance(entries, list) else ()):
        where = f"multi_code_labels[{position}]"
        raw = raw if isinstance(raw, Mapping) else {}
        label, kind = raw.get("label"), raw.get("kind")
        codes = text_list(raw.get("codes"), f"{where} codes", problems)
        key = normalise_label(label) if isinstance(label, str) else ""
        if not key or kind not in KINDS:
            problems.append(f"{where}: needs a label and a kind out of {', '.join(KINDS)}")
            continue
        wrong = [code for code in codes if getattr(by_code.get(code), "kind", None) != kind]
        if wrong or len(set(codes)) < 2:
            problems.append(f"{where} {label!r}: needs two or more {kind} codes; unknown or "
                            f"not {kind} codes: {', '.join(wrong) or '-'}")
        if key in multi[kind]:
            problems.append(f"{where} {label!r}: declared twice")
        multi[kind][key] = codes
    return multi


def _build_index(terms: tuple[Term, ...], by_code: Mapping[str, Term],
                 multi: Mapping[str, tuple[str, ...]], problems: list[str]) -> dict:
    claims: dict[str, dict[str, tuple[int, str]]] = {}  # key -> code -> (method rank, raw)
    for term in terms:
        # A child's ODIHR category equal to its parent's is the export roll-up: as a label it
        # names the parent (which includes the child), so the child does not claim it.
        parent = by_code.get(term.parent) if term.parent else None
        inherited = bool(parent and parent.odihr and term.odihr
                         and normalise_label(parent.odihr) == normalise_label(term.odihr))
        odihr = () if term.odihr is None or inherited else (term.odihr,)
        sources = [("label", (term.label,)), ("odihr_label", odihr + term.odihr_legacy)]
        sources += [("synonym", texts) for texts in term.synonyms.values()]
        sources += [("target_group", texts) for texts in term.target_groups.values()]
        for method, texts in sources:
            for text in texts:
                key, rank = normalise_label(text), METHODS.index(method)
                if not key:
                    problems.append(f"{term.code}: {method} {text!r} is empty once normalised")
                elif term.code not in claims.setdefault(key, {}) \
                        or rank < claims[key][term.code][0]:
                    claims[key][term.code] = (rank, text)
    index = {key: (codes, "multi_code_label") for key, codes in multi.items()}
    for key, found in claims.items():
        if key in multi:
            if extra := ", ".join(sorted(set(found) - set(multi[key]))):
                problems.append(f"{key!r} is declared in multi_code_labels for "
                                f"{', '.join(multi[key])} but is also a label of {extra}")
        elif len(found) > 1:
            listed = "; ".join(f"{code} ({METHODS[rank]} {text!r})"
                               for code, (rank, text) in sorted(found.items()))
            problems.append(f"synonym clash: {key!r} maps to several codes: {listed}; keep it "
                            "on one code or declare it in multi_code_labels")
        else:
            ((code, (rank, _)),) = found.items()
            index[key] = ((code,), METHODS[rank])
    return index


def _parse_countries(entries: Any, problems: list[str]) -> tuple[Country, ...]:
    if not isinstance(entries, list | None):
        problems.append("countries must be a list")
    countries, seen = [], set()
    for position, raw in enumerate(entries if isinstance(entries, list) else ()):
        raw = raw if isinstance(raw, Mapping) else {}
        codes = [raw.get(name) for name in ("iso2", "iso3", "num", "eurostat")]
        if not all(isinstance(code, str) and code for code in codes):
            problems.append(f"countries[{position}]: iso2, iso3, num and eurostat must be "
                            f"strings (quote numeric codes), got {codes!r}")
            continue
        if codes[0] in seen:
            problems.append(f"countries: duplicate iso2 {codes[0]!r}")
        seen.add(codes[0])
        names = raw.get("names") if isinstance(raw.get("names"), Mapping) else {}
        countries.append(Country(
            *codes, names={str(k): str(v) for k, v in names.items()},
            endonyms=text_list(raw.get("endonyms"), f"countries {codes[0]} endonyms", problems),
            variants=text_list(raw.get("variants"), f"countries {codes[0]} variants", problems),
        ))
    return tuple(countries)


@functools.lru_cache(maxsize=8)
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read and check a taxonomy file, cached per path (``load_taxonomy.cache_clear()``).

    ``path`` defaults to `DEFAULT_PATH` (``data/reference/taxonomy.yaml`` beside this module).
    Raises `TaxonomyError` listing every problem, FileNotFoundError for a missing file.
    """
    path = DEFAULT_PATH if path is None else Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TaxonomyError(str(path), [f"not valid YAML: {exc}"]) from exc
    if not isinstance(data, Mapping):
        raise TaxonomyError(str(path), ["the file is not a YAML mapping"])
    return Taxonomy(data, source=str(path))
