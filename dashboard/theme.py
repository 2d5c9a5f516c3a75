"""Colours, text styles and the site's stylesheets. Palettes are safe for colour-blind readers."""

import functools
from pathlib import Path

#: The site's stylesheets and browser scripts: Dash serves this folder at ``/assets/`` and links
#: every file in it from the Dash pages; the Flask pages link its stylesheets
#: (:func:`stylesheets`).
ASSETS = Path(__file__).resolve().parent / "assets"
ASSETS_URL = "/assets/"

#: Okabe-Ito's eight colours (distinguishable with the common colour-vision deficiencies),
#: then Paul Tol's "muted" colours for the motivations outside the default scope, then Tol's
#: pale grey for "not recorded". Indexed by a code's position in the taxonomy (the default
#: scope's codes come first and get Okabe-Ito), so a code keeps its colour; one entry per
#: bias motivation plus one, so "not recorded" never shares a colour
#: (tests/dashboard/test_colour_safety.py).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000")
TOL_MUTED = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
             "#882255", "#AA4499")
TOL_PALE_GREY = "#BBBBBB"
CATEGORICAL = (*OKABE_ITO, *TOL_MUTED[:8], TOL_PALE_GREY)

#: Sequential scale for the choropleth (cividis is perceptually uniform and CVD-safe).
SEQUENTIAL = "Cividis"
REVERSED_SEQUENTIAL = True

CONTEXT_FILL = "#f2f2f2"
CONTEXT_LINE = "#bdbdbd"
BORDER = "#ffffff"
#: Bars of the codes a filter holds (darker than the first categorical colour).
SELECTED = "#003f66"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@functools.cache
def stylesheets() -> tuple[str, ...]:
    """The URLs of the site's stylesheets, in the order Dash links them (by file name).

    The folder is read once per process: the files ship with the package.

    Returns
    -------
    tuple of str
        ``/assets/<name>.css`` for every stylesheet in :data:`ASSETS`.
    """
    return tuple(ASSETS_URL + path.name for path in sorted(ASSETS.glob("*.css")))
