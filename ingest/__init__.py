"""Importing other monitors' incident datasets into the store (see the ingest issue)."""
