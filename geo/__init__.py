"""Geometry: country boundaries, NUTS regions, point-in-polygon, web geometry, downloads.

A leaf: it imports nothing of ``data``, ``ingest`` or ``dashboard``, which all use it. Its own
files (the shipped country boundaries and their provenance) are in ``geo/reference``.
"""
