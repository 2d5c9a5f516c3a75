"""Reference data shipped with the product, and the code that reads it.

The taxonomy (bias motivations, bias indicators, incident types), the store's controlled
vocabularies and Eurostat population figures; the country boundaries beside them are read by
:mod:`geo.boundaries`. Provenance of every file: ``PROVENANCE.md``.
"""
