"""Page ``/``: the map with its drill-down, timeline, breakdowns and downloads."""
