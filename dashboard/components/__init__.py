"""Pieces several pages share: navigation, static HTML, lazy libraries, formats."""
