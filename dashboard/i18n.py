"""The interface's languages: a gettext-like lookup in per-language catalogues.

English is the source language: a message's English text is its key (its *msgid*).
``dashboard/locales/<lang>.yaml`` maps each msgid to its translation, one plain YAML mapping
per language; a catalogue is read once, on first use (nothing is read at import time). A
missing translation falls back to the English text. Placeholders are :meth:`str.format`
fields (``"{count} incidents."``); a translation keeps the same fields.

Mark a text where it is written: ``translate("Over time", lang)`` (or ``_``) where it is
used at once, ``N_("...")`` where it is defined now and translated later (a module constant,
a table of labels). tests/dashboard/test_i18n.py collects every literal passed to these three
names in ``dashboard/`` and fails when French or German lacks one, so the catalogues cannot
silently fall behind the code. Texts shown but not written as a literal in such a call are
listed by :func:`external_texts`.

The language is part of the page URL (``lang=fr``, see :mod:`dashboard.url_state`); English,
the default, is written as no parameter at all, so English URLs are unchanged.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import parse_qs

import yaml

#: Interface languages, the default first.
LANGUAGES = ("en", "fr", "de")
DEFAULT = "en"
#: How the language switch names each language (in that language).
NAMES = {"en": "English", "fr": "Français", "de": "Deutsch"}
#: The URL query parameter holding the language.
PARAM = "lang"
LOCALES = Path(__file__).resolve().parent / "locales"
#: Thousands separators: English 1,234; French 1 234 (narrow no-break space); German 1.234.
THOUSANDS = {"en": ",", "fr": "\u202f", "de": "."}
DECIMAL = {"en": ".", "fr": ",", "de": ","}
def N_(text: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``text`` for translation without translating it (it is translated where used)."""
    return text


def external_texts() -> tuple[str, ...]:
    """Texts the interface translates that are not marked where they are written."""
    from dashboard.regions import NO_REGIONS
    from data.reference.vocab import DEMO_NOTICE

    return (DEMO_NOTICE, NO_REGIONS)


def normal(lang: str | None) -> str:
    """``lang`` if it is an interface language, else the default (English)."""
    return lang if lang in LANGUAGES else DEFAULT


@functools.lru_cache(maxsize=len(LANGUAGES))
def catalogue(lang: str) -> dict[str, str]:
    """The translations of one language: English msgid -> text (empty for English).

    Parameters
    ----------
    lang : str
        One of :data:`LANGUAGES`.

    Returns
    -------
    dict
        Read once per process from ``locales/<lang>.yaml``; treat it as read-only.
    """
    if lang == DEFAULT or lang not in LANGUAGES:
        return {}
    data = yaml.safe_load((LOCALES / f"{lang}.yaml").read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{LOCALES / lang}.yaml is not a mapping of msgid -> translation")
    return {str(k): str(v) for k, v in data.items() if v not in (None, "")}


def translate(text: str, lang: str | None = DEFAULT) -> str:
    """The translation of the English ``text`` into ``lang``; English when there is none.

    Parameters
    ----------
    text : str
        The English text (the msgid).
    lang : str, optional
        An interface language; anything else means English.

    Returns
    -------
    str

    Examples
    --------
    >>> translate("Over time", "en")
    'Over time'
    """
    return catalogue(normal(lang)).get(text, text)


_ = translate


def number(value: float, lang: str | None = DEFAULT, decimals: int = 0) -> str:
    """A number written the way ``lang`` writes it (thousands and decimal separators).

    Examples
    --------
    >>> number(12345, "en"), number(12345.5, "de", 1)
    ('12,345', '12.345,5')
    """
    lang = normal(lang)
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans({",": THOUSANDS[lang], ".": DECIMAL[lang]}))


def plotly_separators(lang: str | None = DEFAULT) -> str:
    """Plotly's ``layout.separators`` (decimal, then thousands) for ``lang``."""
    lang = normal(lang)
    return DECIMAL[lang] + THOUSANDS[lang]


def lang_of(search: str | None) -> str:
    """The interface language of a URL query (``?lang=fr``); English when absent or unknown."""
    values = parse_qs((search or "").lstrip("?")).get(PARAM)
    return normal(values[-1]) if values else DEFAULT


def query(lang: str | None) -> str:
    """The URL query that selects ``lang`` alone: ``?lang=fr``, empty for English."""
    lang = normal(lang)
    return "" if lang == DEFAULT else f"?{PARAM}={lang}"


def href(path: str, lang: str | None) -> str:
    """``path`` (which may carry a query already) with the language ``lang`` added.

    Examples
    --------
    >>> href("/about", "fr"), href("/?country=DE", "de"), href("/incidents", "en")
    ('/about?lang=fr', '/?country=DE&lang=de', '/incidents')
    """
    extra = query(lang)
    if not extra:
        return path
    return path + ("&" + extra[1:] if "?" in path else extra)
