"""Colour scales stay readable with colour-vision deficiencies (map issue, point 7).

The choropleth's scale must be sequential (lightness changes monotonically, also as seen with
a deficiency); the bias-motivation palette must come from a colour-blind-safe palette
(Okabe-Ito, Paul Tol) and the colours shown together by default must stay distinguishable
under simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009, severity 1).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import plotly.colors
import pytest

from dashboard import figures, theme
from data.reference.taxonomy import load_taxonomy
from data.settings import Settings

TAX = load_taxonomy()
OKABE_ITO = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000"}
TOL = {"#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
       "#882255", "#AA4499", "#DDDDDD", "#BBBBBB"}  # muted, plus its pale greys
#: Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
VISION = [None, *CVD]
MIN_DELTA_E = 10.0  # CIE76; about where neighbouring areas are told apart at a glance


def _linear(colour: str) -> np.ndarray:
    colour = colour.strip()
    if colour.startswith("rgb"):
        rgb = np.array([float(v) for v in colour[colour.index("(") + 1:-1].split(",")[:3]])
    else:
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)
    rgb /= 255
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _lab(colour: str, vision: str | None = None) -> np.ndarray:
    rgb = _linear(colour)
    if vision is not None:
        rgb = np.clip(np.array(CVD[vision]) @ rgb, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ rgb / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _timeline_colours(codes: tuple[str, ...]) -> dict[str, str]:
    """Colour of each code's (and "unknown"'s) bars in the real timeline figure."""
    counts = pd.DataFrame({"period": ["2016-01"] * (len(codes) + 1),
                           "bias": [*codes, "unknown"], "count": [1] * (len(codes) + 1)})
    labels = {c: c for c in (*codes, "unknown")}
    spec = figures.timeline_spec(counts, "month", labels, TAX.codes("bias"))
    return {trace["name"]: trace["marker"]["color"] for trace in spec["data"]}


def test_palette_comes_from_colour_blind_safe_palettes():
    palette = [c.upper() for c in theme.CATEGORICAL]
    assert set(palette[:8]) == OKABE_ITO, "the first colours must be Okabe-Ito's"
    assert set(palette[8:]) <= TOL, "the others must come from Paul Tol's palettes"
    assert len(set(palette)) == len(palette), "a colour is used twice"


def test_every_motivation_and_not_recorded_get_their_own_colour():
    colours = _timeline_colours(TAX.codes("bias"))
    assert len(colours) == len(TAX.codes("bias")) + 1
    assert len(set(colours.values())) == len(colours), "two motivations share a colour"


@pytest.mark.parametrize("vision", VISION)
def test_default_scope_colours_stay_distinguishable(vision):
    scope = TAX.expand("bias", Settings().default_bias_scope)
    shown = tuple(c for c in TAX.codes("bias") if c in scope)
    assert len(shown) >= 5
    colours = _timeline_colours(shown)
    worst = min((float(np.linalg.norm(_lab(a, vision) - _lab(b, vision))), x, y)
                for (x, a), (y, b) in itertools.combinations(colours.items(), 2))
    assert worst[0] >= MIN_DELTA_E, f"{worst[1]} and {worst[2]} look alike ({vision}): {worst}"


@pytest.mark.parametrize("vision", VISION)
def test_choropleth_scale_is_sequential(vision):
    fig = figures.choropleth({"locations": ["DE"], "z": [1.0], "text": [""], "zmax": 1.0,
                              "title": "Incidents"}, "/eu.geojson", "/context.geojson")
    trace = fig.data[1]
    scale = [colour for _, colour in trace.colorscale]
    assert len(scale) >= 5
    lightness = np.array([_lab(c, vision)[0] for c in scale])
    if trace.reversescale:
        lightness = lightness[::-1]
    steps = np.diff(lightness)
    # one direction throughout (a diverging or rainbow scale turns back)
    assert (steps < 0).all() or (steps > 0).all(), f"lightness is not monotonic: {lightness}"
    assert abs(lightness[-1] - lightness[0]) >= 50, "too little contrast from low to high"


def test_choropleth_uses_the_theme_scale():
    fig = figures.choropleth({"locations": [], "z": [], "text": [], "zmax": 1.0,
                              "title": "Incidents"}, "/eu.geojson", "/context.geojson")
    expected = plotly.colors.get_colorscale(theme.SEQUENTIAL)
    assert [c for _, c in fig.data[1].colorscale] == [c for _, c in expected]
