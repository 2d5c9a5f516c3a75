"""Colours and text styles. Palettes are safe for colour-blind readers."""

#: Okabe-Ito qualitative palette (distinguishable with the common colour-vision deficiencies),
#: followed by greys for long tails.
CATEGORICAL = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#999999", "#7f6d5f", "#b3b3b3", "#4d4d4d", "#c9b28f", "#6a8caf", "#8c6d8c", "#5f7f6d",
)

#: Sequential scale for the choropleth (cividis is perceptually uniform and CVD-safe).
SEQUENTIAL = "Cividis"
REVERSED_SEQUENTIAL = True

NO_DATA = "#e6e6e6"
CONTEXT_FILL = "#f2f2f2"
CONTEXT_LINE = "#bdbdbd"
BORDER = "#ffffff"
#: Bars of the codes a filter holds (darker than the first categorical colour).
SELECTED = "#003f66"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
