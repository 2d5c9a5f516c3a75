"""Source ``arvig``: ARVIG, Anti-Refugee Violence in Germany (Benček & Strasheim, CC0).

Columns: ``date`` (ISO day), ``location``, ``state`` (the German Land), ``community_id``
(the 12-digit official municipality key), ``longitude``/``latitude`` (municipality centroids),
``category_de``/``category_en``, ``description`` (German text from the "Chronik
flüchtlingsfeindlicher Vorfälle" by Amadeu Antonio Stiftung and PRO ASYL), ``source`` (URLs).
Every event is anti-refugee by the dataset's definition; its categories map to incident
types through the crosswalk below. The Land is authoritative for the NUTS 1 region.
"""

from __future__ import annotations

from ingest.sources.base import Dataset, Source
from ingest.sources.table import text_table_reader

COLUMNS = {
    "date": "date",
    "place": "location",
    "region": "state",
    "municipality_code": "community_id",
    "lon": "longitude",
    "lat": "latitude",
    "type": "category_en",
    "summary": "description",
    "url": "source",
}

#: ARVIG categories -> incident types. "miscellaneous attack" (Sonstige Angriffe) covers
#: damage, stones, pyrotechnics and graffiti at refugee housing: an attack on property whose
#: kind is not specified. "suspicion" (Verdachtsfall) and "other" are not further specified.
CROSSWALK = {
    "type": {
        "miscellaneous attack": ("it.attack_property",),
        "assault": ("it.violent_attack.physical_assault",),
        "demonstration": ("it.anti_migrant_demonstration",),
        "arson": ("it.attack_property.arson",),
        "suspicion": ("it.other",),
        "other": ("it.other",),
    }
}


read = text_table_reader(COLUMNS)


SOURCE = Source(
    name="arvig",
    title="ARVIG: anti-refugee violence in Germany 2014-2017 (day + municipality, CC0)",
    policy="open",
    read=read,
    dataset=Dataset(
        slug="arvig",
        name="ARVIG: Anti-Refugee Violence in Germany",
        licence="CC0-1.0",
        attribution="David Benček and Julia Strasheim, ARVIG (Research & Politics, 2016); "
        "underlying chronicle by Amadeu Antonio Stiftung and PRO ASYL",
        url="https://github.com/davben/arvig",
    ),
    date_order="YMD",
    crosswalk=CROSSWALK,
    defaults={"country": "DE", "bias": "bm.racism_xenophobia.anti_refugee"},
    point_precision="municipality",
    classification="hate_crime",
)
