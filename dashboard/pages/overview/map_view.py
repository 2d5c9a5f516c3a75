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

from dashboard import figures, i18n, theme
from dashboard.i18n import N_, number, translate
from dashboard.i18n_text import month_name
from dashboard.regions import layer_url
from data.public.area_stats import AreaCounts, by_area, month_frame
from data.reference.population import population
from data.snapshot.model import Snapshot

GREY = [[0, theme.CONTEXT_FILL], [1, theme.CONTEXT_FILL]]


@dataclass(frozen=True)
class MapOutput:
    """What the page shows for the map: the figure patch and the note under it."""

    patch: Patch
    note: str


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
                   not_shown: dict[str, int], lang: str = i18n.DEFAULT) -> str:
    """Plain words for a regional map: how many incidents it shows, and why not the rest.

    Parameters
    ----------
    country : str
        Display name of the member state.
    level : {"nuts1", "nuts2", "nuts3"}
    total, shown : int
        Incidents selected, and those the regions hold.
    not_shown : dict
        :attr:`data.public.area_stats.AreaCounts.not_shown`.
    lang : str, optional
        Interface language.
    """
    def num(value: int) -> str:
        return number(value, lang)

    name = figures.LEVEL_NAMES[level]
    text = translate("{country}: {shown} of {total} incidents shown by {level} region.",
                     lang).format(country=country, shown=num(shown), total=num(total),
                                  level=name)
    missing = total - shown
    if not missing:
        return text
    parts = [translate("{count} known only to {level}", lang).format(
                 count=num(n), level=figures.LEVEL_NAMES[k])
             for k, n in not_shown.items() if n and k != "country"]
    if not_shown.get("country"):
        parts.append(translate(
            "{count} known only to the country (this includes every record of a member "
            "organisation: their regions are never published)", lang).format(
                count=num(not_shown["country"])))
    other = missing - sum(not_shown.values())
    if other > 0:
        parts.append(translate("{count} in regions this map does not have", lang).format(
            count=num(other)))
    return text + " " + translate("{count} cannot be shown at {level}:", lang).format(
        count=num(missing), level=name) + " " + "; ".join(parts) + "."


def _counts(snapshot: Snapshot, mask: np.ndarray, level: str, month: int | None,
            codes: list[str], lang: str = i18n.DEFAULT
            ) -> tuple[AreaCounts, pd.Series | None, str]:
    """Counts per area, the peak per area over months (playback only), the note's prefix."""
    if month is None:
        return by_area(snapshot, mask, level), None, ""
    frame = month_frame(snapshot, mask, level, month)
    in_month = mask & snapshot.month_known & (snapshot.month == month)
    prefix = translate("Map: {month}.", lang).format(month=month_name(month, lang)) + " "
    if frame.not_in_months:
        n = frame.not_in_months
        text = (N_("{count} incidents known only to the year: in no month.") if n != 1
                else N_("{count} incident known only to the year: in no month."))
        prefix += translate(text, lang).format(count=number(n, lang)) + " "
    return by_area(snapshot, in_month, level), frame.peak.reindex(codes, fill_value=0), prefix


def map_output(snapshot: Snapshot, mask: np.ndarray, metric: str, names: dict[str, str],
               drill, month: int | None = None, lang: str = i18n.DEFAULT) -> MapOutput:
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
    lang : str, optional
        Interface language of the hover text, the colour bar's title and the note.
    """
    patch = Patch()
    if drill is None:
        if month is None:  # the common case, kept as lean as the EU map always was
            counts, peak, note = snapshot.by_country(mask), None, ""
        else:
            area, peak, note = _counts(snapshot, mask, "country", month, list(names), lang)
            counts = area.counts.reindex(list(names), fill_value=0)
        values = figures.choropleth_values(counts, metric, population(), names, lang)
        if peak is not None:
            top = float(figures.metric_values(peak, metric, population()).max())
            values["zmax"] = top if top > 0 else 1.0
        _eu_patch(patch, values)
        return MapOutput(patch, note.strip())
    regions, layer = drill
    level = f"nuts{layer.level}"
    area, peak, note = _counts(snapshot, mask, level, month, list(layer.codes), lang)
    values = figures.region_values(area.counts, layer.codes, layer.names, level, lang)
    if peak is not None:
        top = float(peak.max())
        values["zmax"] = top if top > 0 else 1.0
    _drilled_patch(patch, values, figures.backdrop_values(names, layer.country, lang),
                   layer_url(regions, layer), layer)
    note += not_shown_note(names.get(layer.country, layer.country), level, area.total,
                           values["shown"], area.not_shown, lang)
    if metric == "per_million":
        note += " " + translate("Per million residents is available for member states only.",
                                lang)
    return MapOutput(patch, note)
