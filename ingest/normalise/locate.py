"""Placing a batch of normalised rows: point -> member state and NUTS, names -> units.

Rules (DESIGN §4, §6):

* A point is assigned to its member state and NUTS 1/2/3 by point-in-polygon; a point that
  misses every polygon goes to the nearest one within the tolerance, and the record says so.
* A point that contradicts the stated country is rejected with the reason (and a hint when
  swapping latitude and longitude would fit), never placed silently.
* A named administrative unit (region name or NUTS code) is authoritative at its level; the
  point only places the record below it. A point far outside the named unit is reported.
* A place name without coordinates is looked up in the offline gazetteer within the stated
  country. Country-only records get no point and no region: precision is never invented.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo.assign import swapped_would_match
from ingest.normalise.gazetteer import lookup
from ingest.normalise.places import RegionIndex, country_of_nuts, nuts_levels
from ingest.report import issue

NUTS_PRECISION = {1: "nuts1", 2: "nuts2", 3: "nuts3"}


@dataclass
class Locator:
    """Boundaries and indexes used to place records (built once per run)."""

    boundaries: object  # geo.assign.Boundaries
    tolerance_km: float = 10.0
    geocode: bool = True

    def __post_init__(self) -> None:
        nuts = getattr(self.boundaries, "nuts", None)
        self.regions = RegionIndex(nuts) if nuts else None
        self.nuts_version = "2024" if nuts else None


def _float(text) -> float | None:
    try:
        value = float(str(text).replace(",", ".")) if text not in (None, "") else None
    except ValueError:
        return None
    return value if value is not None and np.isfinite(value) else None


def _reject(result, code: str, field: str, value, hint: str) -> None:
    result.issues.append(issue(code, result.raw.row, field, value, hint))
    result.values = None


def _region(result, locator: Locator) -> str | None:
    fields = result.raw.fields
    text = fields.get("nuts") or fields.get("region")
    if not text or locator.regions is None:
        return None
    code = locator.regions.resolve(text, result.values["country"])
    if code is None:
        result.issues.append(issue("region_unknown", result.raw.row,
                                   "nuts" if fields.get("nuts") else "region", text,
                                   "not a NUTS 2024 code or region name of this country; the "
                                   "record is placed by its point or country"))
    return code


def _apply_unit(values: dict, code: str) -> None:
    values.update(nuts_levels(code))
    values["geo_precision"] = NUTS_PRECISION[len(code) - 2]


def locate(results: list, ctx) -> None:
    """Fill location values of the accepted rows in ``results`` (in place).

    Parameters
    ----------
    results : list of ingest.normalise.record.Normalised
    ctx : ingest.normalise.record.Context
        ``ctx.locator`` (a :class:`Locator`) or None; ``ctx.point_precision`` is the
        precision the source's points have (``exact`` or ``municipality``).
    """
    locator: Locator | None = ctx.locator
    pending = []
    for result in results:
        if result.values is None:
            continue
        values = result.values
        values.update(lat=None, lon=None, nuts1=None, nuts2=None, nuts3=None,
                      nuts_version=None, geo_precision="country")
        fields = result.raw.fields
        lat_text, lon_text = fields.get("lat"), fields.get("lon")
        if lat_text or lon_text:
            lat, lon = _float(lat_text), _float(lon_text)
            if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                _reject(result, "point_invalid", "lat/lon", f"{lat_text}, {lon_text}",
                        "latitude and longitude must be decimal degrees (WGS84), "
                        "latitude -90..90, longitude -180..180")
                continue
            pending.append((result, lat, lon, ctx.point_precision))
        elif values["country"] is None:
            _reject(result, "country_missing", "country", "",
                    "give a country, or coordinates inside a member state")
        else:
            found = _place_without_point(result, locator)
            if found:
                pending.append(found)
    if pending:  # points from the file and from the gazetteer, placed in one pass
        _place_points(pending, locator)


def _place_without_point(result, locator: Locator | None) -> tuple | None:
    """Place a row by its named unit; else return its gazetteer point to place, if any."""
    values = result.values
    code = _region(result, locator) if locator else None
    if code:
        if country_of_nuts(code) != values["country"]:
            _reject(result, "point_contradicts_country", "region", code,
                    f"region {code} is not in {values['country']}")
            return None
        _apply_unit(values, code)
        values["nuts_version"] = locator.nuts_version
        return None
    place = result.raw.fields.get("place")
    if place and (locator is None or locator.geocode):
        hit = lookup(place, values["country"])
        if hit is None:
            result.issues.append(issue("place_not_found", result.raw.row, "place", place,
                                       "not in the offline gazetteer (towns of 15,000+); the "
                                       "record is placed at country level"))
            return None
        return result, hit.lat, hit.lon, "municipality"
    return None


def nearest_region_within(locator: Locator, unit: str, lon: float,
                          lat: float) -> tuple[str, float]:
    """The NUTS 3 region inside ``unit`` nearest to a point, and its distance in km."""
    import shapely

    frame = locator.boundaries.nuts[3]
    inside = frame[frame["NUTS_ID"].str.startswith(unit)]
    if inside.empty:
        return unit, float("inf")
    scale = np.array([111.32 * np.cos(np.radians(lat)), 110.57])
    geoms = shapely.transform(inside.geometry.to_numpy(), lambda xy: xy * scale)
    point = shapely.points(lon * scale[0], lat * scale[1])
    distances = shapely.distance(geoms, point)
    best = int(np.argmin(distances))
    return inside["NUTS_ID"].iloc[best], float(distances[best])


def _place_points(pending: list, locator: Locator | None) -> None:
    """Place ``(result, lat, lon, precision)`` items with one vectorised assignment."""
    lats = np.array([p[1] for p in pending], dtype=float)
    lons = np.array([p[2] for p in pending], dtype=float)
    if locator is None:  # no boundaries: points are kept, never used to find a country
        for result, lat, lon, precision in pending:
            if result.values["country"] is None:
                _reject(result, "country_missing", "country", "",
                        "give the country: without boundaries a point cannot name it")
                continue
            result.values.update(lat=lat, lon=lon,
                                 geo_precision=precision)
        return
    stated_all = [item[0].values["country"] or "" for item in pending]
    assigned = locator.boundaries.assign(lons, lats, tolerance_km=locator.tolerance_km,
                                         stated_iso2=stated_all)
    rows = assigned.itertuples(index=False)
    for (result, lat, lon, precision), row in zip(pending, rows, strict=True):
        values = result.values
        stated = values["country"]
        where = row.country
        if where is None or (stated and where != stated):
            if stated:
                swapped = swapped_would_match(locator.boundaries, np.array([lon]),
                                              np.array([lat]), stated)[0]
                extra = " Latitude and longitude look swapped." if swapped else ""
            else:
                extra = f" ({row.distance_km:.0f} km from the nearest member state)"
            found = f"in {where}" if where else "outside every member state"
            _reject(result, "point_contradicts_country" if stated else "country_out_of_scope",
                    "lat/lon", f"{lat}, {lon}",
                    f"the point lies {found}, but the row says {stated or 'nothing'}.{extra}"
                    " Fix the coordinates or the country.")
            continue
        values["country"] = where
        values.update(lat=lat, lon=lon, geo_precision=precision)
        if row.method == "nearest":
            result.issues.append(issue(
                "point_nearest_polygon", result.raw.row, "lat/lon", f"{lat}, {lon}",
                f"the point is {row.distance_km:.1f} km outside the generalised boundaries; "
                "placed in the nearest region"))
        point_codes = {"nuts1": row.nuts1, "nuts2": row.nuts2, "nuts3": row.nuts3}
        unit = _region(result, locator)
        if unit:
            if country_of_nuts(unit) != where:
                _reject(result, "point_contradicts_country", "region", unit,
                        f"region {unit} is not in {where}")
                continue
            if not (row.nuts3 or "").startswith(unit):
                inside, km = nearest_region_within(locator, unit, lon, lat)
                refined = inside if km <= locator.tolerance_km else unit
                result.issues.append(issue(
                    "point_outside_unit", result.raw.row, "lat/lon", f"{lat}, {lon}",
                    f"the point falls in {row.nuts3 or 'no region'}, {km:.1f} km outside the "
                    f"named region {unit}; the named region wins"
                    + (f" and the point places it in {inside}" if refined != unit else "")))
                point_codes = nuts_levels(refined)
        values.update(point_codes)
        values["nuts_version"] = locator.nuts_version if values["nuts3"] else None
