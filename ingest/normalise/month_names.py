"""Month names and abbreviations in fourteen EU languages, and their lookup.

Used by :mod:`ingest.normalise.dates`; the table is built on first use, not at import.
"""

from __future__ import annotations

import functools
import unicodedata

# Month names and abbreviations as written, one string per month; the languages appear in
# this order: en fr de it es pt nl pl el sv da cs ro hu (a spelling shared with an earlier
# language is not repeated). Case and accents are folded when the lookup table is built.
_MONTH_SPELLINGS = (
    "january jan janvier janv januar jänner jän gennaio gen enero ene janeiro januari styczeń "
    "stycznia sty Ιανουάριος Ιανουαρίου Ιαν leden ledna ianuarie ian január",
    "february feb febr février févr fév februar feber febbraio febrero fevereiro fev februari "
    "luty lutego lut Φεβρουάριος Φεβρουαρίου Φεβ únor února februarie február",
    "march mar mars märz mär mrz marzo março maart mrt marzec marca Μάρτιος Μαρτίου Μαρ "
    "marts březen března martie március márc",
    "april apr avril avr aprile abril abr kwiecień kwietnia kwi Απρίλιος Απριλίου Απρ duben "
    "dubna aprilie április ápr",
    "may mai maggio mag mayo maio mei maj maja Μάιος Μαΐου Μάη Μαΐ květen května május máj",
    "june jun juin juni giugno giu junio junho czerwiec czerwca cze Ιούνιος Ιουνίου Ιούν "
    "červen června iunie iun június jún",
    "july jul juillet juil juli luglio lug julio julho lipiec lipca lip Ιούλιος Ιουλίου Ιούλ "
    "červenec července iulie iul július júl",
    "august aug août agosto ago augustus sierpień sierpnia sie Αύγουστος Αυγούστου Αυγ "
    "augusti srpen srpna augusztus",
    "september sep sept septembre settembre set septiembre setiembre setembro wrzesień "
    "września wrz Σεπτέμβριος Σεπτεμβρίου Σεπ Σεπτ září septembrie szeptember szept",
    "october oct octobre oktober okt ottobre ott octubre outubro out październik października "
    "paź Οκτώβριος Οκτωβρίου Οκτ říjen října octombrie október",
    "november nov novembre noviembre novembro listopad listopada lis Νοέμβριος Νοεμβρίου Νοέ "
    "Νοεμ listopadu noiembrie noi",
    "december dec décembre déc dezember dez dicembre dic diciembre dezembro grudzień grudnia "
    "gru Δεκέμβριος Δεκεμβρίου Δεκ prosinec prosince decembrie",
)
# Letters that NFKD does not decompose (as in data.reference.taxonomy.normalise_label).
_FOLD = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    """Casefold and drop accents: ``"MÄRZ"`` -> ``"marz"``, ``"Μαρτίου"`` -> ``"μαρτιου"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)


@functools.cache
def month_table() -> dict[str, int]:
    """Build the lookup table: folded month name or abbreviation -> month number."""
    table: dict[str, int] = {}
    for number, spellings in enumerate(_MONTH_SPELLINGS, start=1):
        for word in spellings.split():
            if table.setdefault(fold(word), number) != number:
                raise RuntimeError(f"month spelling {word!r} stands for two months")
    return table


def month_number(name: str) -> int | None:
    """Return the month (1-12) that a month name or abbreviation stands for, or ``None``.

    Parameters
    ----------
    name : str
        A name in a supported language, any case, accents optional, trailing dot allowed.

    Examples
    --------
    >>> month_number("März"), month_number("Μαρτίου"), month_number("kwi."), month_number("x")
    (3, 3, 4, None)
    """
    return month_table().get(fold(name.strip().removesuffix(".")))
