"""Geometry: country boundaries, TopoJSON decoding, point-in-polygon and NUTS helpers."""
