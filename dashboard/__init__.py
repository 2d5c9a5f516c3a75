"""The web application: Dash pages, the HTTP API and the Flask pages of accounts and staff.

- :mod:`dashboard.app_factory` builds the app from a :class:`dashboard.context.AppContext`.
- :mod:`dashboard.pages`: the Dash pages (the map, the incident table, one incident, about,
  the report form); a page with several modules has a folder.
- :mod:`dashboard.api`: ``/api/v1``: routes, parameters, the OpenAPI document, HTTP caching.
- :mod:`dashboard.views`: Flask pages of accounts, administration, moderation, the vault.
- :mod:`dashboard.auth`: sessions, the guard of write callbacks, the caller's projection.
- :mod:`dashboard.components`: navigation, static HTML fragments, lazily loaded libraries.
- Beside them: component ids, the page state in the URL, pure figure builders, the theme,
  the interface's languages, regional geometry, the partial plotly.js bundle.

Callbacks and routes are thin: inputs -> ``IncidentFilter`` -> :mod:`data` -> a pure figure
or format. Nothing imports ``dashboard``; of ``ingest`` it uses only :mod:`ingest.form`.
"""
