"""The app's regional geometry: whether NUTS files are there, and the per-country layers.

:func:`web_regions` looks for usable NUTS files in ``settings.nuts_folder``
(``INCIDENTMAP_NUTS_DIR``, else ``INSTANCE_DIR/nuts2024`` where ``incidentmap geo fetch-nuts``
puts them) once per process, on first use; the web files themselves are generated on first
request into ``INSTANCE_DIR/cache/nuts-web`` (see :mod:`geo.web_regions`). Without NUTS files
the page works at country level and says so. After ``geo fetch-nuts``, restart the app.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from data.settings import Settings
from geo.nuts import NutsError
from geo.web_regions import RegionLayer, WebRegions

log = logging.getLogger(__name__)

#: What the page says when there are no NUTS files.
NO_REGIONS = ("Regional maps are not available on this server: it has no NUTS boundary files "
              "(its administrator can run `incidentmap geo fetch-nuts`). The map shows member "
              "states only.")


def web_regions(settings: Settings) -> WebRegions | None:
    """The regional geometry of this app, or None when there are no usable NUTS files."""
    return _web_regions(settings.nuts_folder.expanduser().resolve(),
                        settings.instance_dir.expanduser().resolve() / "cache" / "nuts-web")


@functools.lru_cache(maxsize=4)
def _web_regions(nuts_dir: Path, cache_dir: Path) -> WebRegions | None:
    from geo.nuts import usable_nuts_dir

    if usable_nuts_dir(nuts_dir) is None:
        return None
    return WebRegions(nuts_dir, cache_dir)


def layer_url(regions: WebRegions, layer: RegionLayer) -> str:
    """URL of a layer's GeoJSON, served by the app's ``/geo/<name>`` route.

    The query names the source files' key, so a browser never keeps regions of older files.
    """
    return f"/geo/{layer.file}?v={regions.key}"


def drill_layer(settings: Settings, country: str | None, level: str) -> tuple[
        WebRegions, RegionLayer] | None:
    """The regions to draw for a drilled-down view, or None for the EU-27 map.

    Parameters
    ----------
    settings : Settings
    country : str or None
        ISO alpha-2 code of the member state drilled into.
    level : str
        ``nuts1``, ``nuts2`` or ``nuts3`` (anything else: None).
    """
    if country is None or level not in ("nuts1", "nuts2", "nuts3"):
        return None
    regions = web_regions(settings)
    if regions is None:
        return None
    try:
        layer = regions.layer(country, int(level[-1]))
    except NutsError as exc:  # files that are there but unreadable: the EU map, logged
        log.error("regional maps unavailable: %s", exc)
        return None
    return None if layer is None else (regions, layer)


def send_geometry(settings: Settings, name: str):
    """Flask response with the regional GeoJSON file ``name`` (e.g. ``DE-nuts3.geojson``).

    Sent gzip-compressed when the client accepts it (the files are compressed once, when
    they are generated); 404 for names that are not regional files.
    """
    import flask

    regions = web_regions(settings)
    try:
        path = None if regions is None else regions.path(name)
    except NutsError as exc:
        log.error("regional maps unavailable: %s", exc)
        path = None
    if path is None:
        flask.abort(404)
    gzipped = "gzip" in flask.request.headers.get("Accept-Encoding", "")
    response = flask.send_file(path.with_name(path.name + ".gz") if gzipped else path,
                               mimetype="application/geo+json", conditional=True, max_age=86400)
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response
