"""Reference data shipped with the product, and the code that reads it.

The taxonomy (bias motivations, bias indicators, incident types), the store's controlled
vocabularies and Eurostat population figures. Provenance of every file: ``PROVENANCE.md``
(the country boundaries are :mod:`geo`'s own, in ``geo/reference``).
"""
