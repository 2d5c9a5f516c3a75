"""Canonical raw fields every source produces, and header names that mean them.

Readers turn each source row into a dict keyed by these field names (values as received,
as text). Generic tables recognise their headers through :data:`HEADER_SYNONYMS` (English,
French, German, Italian, Spanish, plus Portuguese, Dutch and Polish where common); a mapping
file can name the columns explicitly.
"""

from __future__ import annotations

from data.reference.taxonomy import normalise_label

FIELDS = {
    "record_id": "the source's own identifier of the record",
    "date": "date (or start date) of the incident",
    "date_end": "end date, when the source gives an interval",
    "country": "country name or code",
    "region": "administrative region (e.g. a German Land) or NUTS name",
    "nuts": "NUTS code",
    "municipality_code": "official municipality code (e.g. German AGS)",
    "place": "place name (town, district)",
    "lat": "latitude (WGS84)",
    "lon": "longitude (WGS84)",
    "bias": "bias motivation label(s)",
    "indicator": "bias indicator label(s)",
    "type": "incident type label(s)",
    "summary": "short public description",
    "narrative": "full description (restricted)",
    "location_type": "type of place",
    "url": "reference URL(s)",
    "organisation": "reporting organisation(s)",
}

HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "record_id": ("id", "record id", "incident id", "identifier", "case id", "case number",
                  "post id", "n", "no", "nr", "numero", "número", "numéro", "kennung",
                  "identifiant", "identificativo", "identificador"),
    "date": ("date", "incident date", "date of incident", "event date", "start date",
             "datum", "tatdatum", "datum der tat", "date de l'incident", "date des faits",
             "data", "data dell'episodio", "fecha", "fecha del incidente", "fecha de los hechos",
             "post date utc", "post date", "when", "data do incidente", "datum incident"),
    "date_end": ("end date", "date end", "to date", "enddatum", "date de fin", "data fine",
                 "fecha fin", "fecha de fin"),
    "country": ("country", "country code", "state country", "pays", "land", "staat",
                "paese", "nazione", "stato", "país", "pais", "kraj", "país del incidente"),
    "region": ("region", "state", "province", "bundesland", "land region", "région",
               "departement", "département", "regione", "provincia", "comunidad autonoma",
               "comunidad autónoma", "comunidad", "województwo", "wojewodztwo", "provincie"),
    "nuts": ("nuts", "nuts code", "nuts id", "nuts3", "nuts 3", "nuts2", "nuts_id"),
    "municipality_code": ("community id", "municipality code", "ags", "gemeindeschlüssel",
                          "gemeindeschluessel", "lau", "lau code", "code insee", "insee",
                          "codice istat", "istat", "código ine", "codigo ine"),
    "place": ("place", "location", "city", "town", "municipality", "locality", "ort",
              "stadt", "gemeinde", "tatort", "ville", "commune", "lieu", "città", "citta",
              "comune", "luogo", "ciudad", "municipio", "localidad", "lugar", "miejscowość",
              "plaats", "gemeente"),
    "lat": ("lat", "latitude", "y", "breite", "breitengrad", "latitud", "latitudine",
            "szerokość", "location lat", "location.lat"),
    "lon": ("lon", "lng", "long", "longitude", "x", "länge", "laenge", "längengrad", "longitud",
            "longitudine", "długość", "location lon", "location.lon"),
    "bias": ("bias", "bias motivation", "bias motivations", "motivation", "motive",
             "hate motive", "bias type", "motiv", "tatmotiv", "vorurteil", "motif",
             "mobile", "motivation discriminatoire", "movente", "motivazione", "motivo",
             "motivación", "sesgo", "motywacja", "motivação", "vooroordeel"),
    "indicator": ("bias indicator", "bias indicators", "indicators", "evidence",
                  "indikator", "indikatoren", "indicateur", "indicateurs", "indicatore",
                  "indicatori", "indicador", "indicadores", "wskaźnik"),
    "type": ("type", "incident type", "type of incident", "category", "categories",
             "category en", "kategorie", "art", "deliktsart", "type d'incident",
             "catégorie", "categorie", "tipo", "tipo di episodio", "tipologia",
             "tipo de incidente", "categoría", "categoria", "rodzaj", "typ"),
    "summary": ("summary", "public summary", "title", "incident title", "headline",
                "zusammenfassung", "titel", "résumé", "titre", "sommario", "titolo",
                "resumen", "título", "titulo"),
    "narrative": ("description", "details", "narrative", "text", "beschreibung",
                  "sachverhalt", "description de l'incident", "descrizione", "descripción",
                  "descripcion", "opis", "omschrijving", "descrição"),
    "location_type": ("location type", "type of place", "place type", "ortstyp",
                      "type de lieu", "tipo di luogo", "tipo de lugar"),
    "url": ("url", "link", "links", "source url", "reference", "references", "quelle",
            "lien", "fonte", "enlace", "fuente"),
    "organisation": ("organisation", "organization", "source", "reported by",
                     "reporting organisation", "ngo", "organisation source", "organisation",
                     "organisme", "organizzazione", "organización", "organizacja"),
}


def header_index() -> dict[str, str]:
    """Normalised header text -> canonical field name."""
    index: dict[str, str] = {}
    for name, synonyms in HEADER_SYNONYMS.items():
        index[normalise_label(name)] = name
        for synonym in synonyms:
            index.setdefault(normalise_label(synonym), name)
    return index


def map_headers(headers: list[str], explicit: dict[str, str] | None = None) -> dict[str, str]:
    """Map a table's headers to canonical fields.

    Parameters
    ----------
    headers : list of str
        Column headers as they appear in the file.
    explicit : dict, optional
        Canonical field -> header, from a mapping file; wins over recognition.

    Returns
    -------
    dict
        Header -> canonical field, for the headers that were recognised (each field at most
        once: the first matching header wins).
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for field_name, header in (explicit or {}).items():
        if header in headers:
            mapping[header] = field_name
            taken.add(field_name)
    index = header_index()
    for header in headers:
        if header in mapping:
            continue
        field_name = index.get(normalise_label(header or ""))
        if field_name and field_name not in taken:
            mapping[header] = field_name
            taken.add(field_name)
    return mapping
