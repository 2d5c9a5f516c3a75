"""The data layer: the only place that talks SQL (besides ingest's load stage).

- :mod:`data.settings`: every setting, read once from the environment.
- :mod:`data.filters`: ``IncidentFilter``, the one filter of the page URL, the API and exports.
- :mod:`data.reference`: the taxonomy, the store's vocabularies, population figures.
- :mod:`data.store`: engines and dialect differences, tables, migrations, database failures.
- :mod:`data.privacy`: the publication policy as rules: what is public, at which precision,
  to whom, what consents allow.
- :mod:`data.records`: the write side of incidents: report forms, workflow, audit, demo data.
- :mod:`data.people`: accounts, logins, the identity vault, erasure, retention, subject access.
- :mod:`data.snapshot`: the in-memory read model of the public records.
- :mod:`data.public`: readers the public outputs share (rows, table pages, one record, counts).
- :mod:`data.export`: downloads in every format, and frozen releases.
- :mod:`data.cli`: command-line wiring of the data commands.

It imports :mod:`geo` and nothing of ``ingest`` or ``dashboard`` (``tests/test_architecture.py``).
"""
