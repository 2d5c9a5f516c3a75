"""The map's values for the page state: the EU-27 map or one member state's regions.

The map figure has three traces: grey context countries, the member states and one member
state's NUTS regions (empty on the EU-27 map). Every change is sent as a ``dash.Patch`` of
values, colours and view; geometry is only ever referenced by URL, so a filter change, a
drill-down and each step of the time playback re-send no polygons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from dash import Patch

from dashboard import figures, theme
from dashboard.regions import layer_url
from data.analytics import Snapshot
from data.area_stats import AreaCounts, by_area, month_frame
from data.reference_tables import population

GREY = [[0, theme.CONTEXT_FILL], [1, theme.CONTEXT_FILL]]


@dataclass(frozen=True)
class MapOutput:
    """What the page shows for the map: the figure patch and the note under it."""

    patch: Patch
    note: str


def _month_name(month: int) -> str:
    return pd.Timestamp(year=1970 + month // 12, month=month % 12 + 1, day=1).strftime("%B %Y")


def _eu_patch(patch: Patch, values: dict) -> None:
    eu = patch["data"][1]
    eu["locations"] = values["locations"]
    eu["z"] = values["z"]
    eu["text"] = values["text"]
    eu["zmax"] = values["zmax"]
    eu["colorscale"] = theme.SEQUENTIAL
    eu["showscale"] = True
    eu["colorbar"]["title"]["text"] = values["title"]
    regions = patch["data"][2]
    regions["locations"] = []
    regions["z"] = []
    regions["text"] = []
    regions["showscale"] = False
    patch["layout"]["map"]["center"] = figures.MAP_CENTER
    patch["layout"]["map"]["zoom"] = figures.MAP_ZOOM


def _drilled_patch(patch: Patch, values: dict, backdrop: dict, url: str, layer) -> None:
    eu = patch["data"][1]
    eu["locations"] = backdrop["locations"]
    eu["z"] = backdrop["z"]
    eu["text"] = backdrop["text"]
    eu["colorscale"] = GREY
    eu["showscale"] = False
    regions = patch["data"][2]
    regions["geojson"] = url
    regions["locations"] = values["locations"]
    regions["z"] = values["z"]
    regions["text"] = values["text"]
    regions["zmax"] = values["zmax"]
    regions["showscale"] = True
    regions["colorbar"]["title"]["text"] = values["title"]
    patch["layout"]["map"]["center"] = layer.center
    patch["layout"]["map"]["zoom"] = layer.zoom


def not_shown_note(country: str, level: str, total: int, shown: int,
                   not_shown: dict[str, int]) -> str:
    """Plain words for a regional map: how many incidents it shows, and why not the rest.

    Parameters
    ----------
    country : str
        Display name of the member state.
    level : {"nuts1", "nuts2", "nuts3"}
    total, shown : int
        Incidents selected, and those the regions hold.
    not_shown : dict
        :attr:`data.area_stats.AreaCounts.not_shown`.
    """
    name = figures.LEVEL_NAMES[level]
    text = f"{country}: {shown:,} of {total:,} incidents shown by {name} region."
    missing = total - shown
    if not missing:
        return text
    parts = [f"{n:,} known only to {figures.LEVEL_NAMES[k]}"
             for k, n in not_shown.items() if n and k != "country"]
    if not_shown.get("country"):
        parts.append(f"{not_shown['country']:,} known only to the country (this includes "
                     "every record of a member organisation: their regions are never "
                     "published)")
    other = missing - sum(not_shown.values())
    if other > 0:
        parts.append(f"{other:,} in regions this map does not have")
    return (f"{text} {missing:,} cannot be shown at {name}: " + "; ".join(parts) + ".")


def _counts(snapshot: Snapshot, mask: np.ndarray, level: str, month: int | None,
            codes: list[str]) -> tuple[AreaCounts, pd.Series | None, str]:
    """Counts per area, the peak per area over months (playback only), the note's prefix."""
    if month is None:
        return by_area(snapshot, mask, level), None, ""
    frame = month_frame(snapshot, mask, level, month)
    in_month = mask & snapshot.month_known & (snapshot.month == month)
    prefix = f"Map: {_month_name(month)}. "
    if frame.not_in_months:
        n = frame.not_in_months
        prefix += f"{n:,} incident{'s' if n != 1 else ''} known only to the year: in no month. "
    return by_area(snapshot, in_month, level), frame.peak.reindex(codes, fill_value=0), prefix


def map_output(snapshot: Snapshot, mask: np.ndarray, metric: str, names: dict[str, str],
               drill, month: int | None = None) -> MapOutput:
    """The map patch and note for the selected records.

    Parameters
    ----------
    snapshot : Snapshot
    mask : numpy.ndarray of bool
        The selected records.
    metric : {"count", "per_million"}
        Per million residents applies to member states only (no regional population).
    names : dict
        Display name per ISO alpha-2 code.
    drill : tuple of (WebRegions, RegionLayer) or None
        The regions to show (:func:`dashboard.regions.drill_layer`), None for the EU-27 map.
    month : int or None
        Month number (months since 1970-01) the time playback shows; None: the whole filter.
        The colour scale then fits the busiest month, so colours compare across months.
    """
    patch = Patch()
    if drill is None:
        if month is None:  # the common case, kept as lean as the EU map always was
            counts, peak, note = snapshot.by_country(mask), None, ""
        else:
            area, peak, note = _counts(snapshot, mask, "country", month, list(names))
            counts = area.counts.reindex(list(names), fill_value=0)
        values = figures.choropleth_values(counts, metric, population(), names)
        if peak is not None:
            top = float(figures.metric_values(peak, metric, population()).max())
            values["zmax"] = top if top > 0 else 1.0
        _eu_patch(patch, values)
        return MapOutput(patch, note.strip())
    regions, layer = drill
    level = f"nuts{layer.level}"
    area, peak, note = _counts(snapshot, mask, level, month, list(layer.codes))
    values = figures.region_values(area.counts, layer.codes, layer.names, level)
    if peak is not None:
        top = float(peak.max())
        values["zmax"] = top if top > 0 else 1.0
    _drilled_patch(patch, values, figures.backdrop_values(names, layer.country),
                   layer_url(regions, layer), layer)
    note += not_shown_note(names.get(layer.country, layer.country), level, area.total,
                           values["shown"], area.not_shown)
    if metric == "per_million":
        note += " Per million residents is available for member states only."
    return MapOutput(patch, note)
