"""The data layer: settings, store, filters, queries, privacy and reference files."""
