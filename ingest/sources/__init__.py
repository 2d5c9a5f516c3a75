"""The registry of sources: one module per source, registered here and nowhere else."""

from __future__ import annotations

from ingest.sources import arvig, csv_table, geojson, kml, odihr, ushahidi, xlsx
from ingest.sources.base import Source

SOURCES: dict[str, Source] = {
    module.SOURCE.name: module.SOURCE
    for module in (csv_table, xlsx, geojson, kml, odihr, arvig, ushahidi)
}


class UnknownSource(KeyError):
    """A source name that is not registered; the message lists the valid ones."""

    def __str__(self) -> str:
        return self.args[0]


def get_source(name: str) -> Source:
    """The registered source called ``name``.

    Raises
    ------
    UnknownSource
        Naming every valid source.
    """
    try:
        return SOURCES[name]
    except KeyError:
        valid = ", ".join(sorted(SOURCES))
        raise UnknownSource(f"unknown source {name!r}; valid sources: {valid}") from None
