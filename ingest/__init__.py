"""Importing other monitors' incident datasets, and the checks the web form shares.

- :mod:`ingest.sources`: one module per source (CSV, XLSX, GeoJSON, KML, ODIHR, ARVIG,
  Ushahidi), registered in one dict, and the readers and mapping files they share.
- :mod:`ingest.normalise`: dates, countries, labels, places: raw record -> normalised incident.
- :mod:`ingest.load`: batches prepared and written, duplicates linked, labels reviewed; the only
  ingest modules with SQL.
- :mod:`ingest.pipeline` runs one ingest; :mod:`ingest.report` holds its issues as data;
  :mod:`ingest.form` checks the web form's values by the same rules; :mod:`ingest.cli`.

It imports :mod:`data` and :mod:`geo`, never ``dashboard``.
"""
