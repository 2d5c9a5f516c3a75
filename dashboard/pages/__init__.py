"""Dash pages: each exposes ``layout(context, search)`` and ``register(app)``.

A page with several modules has a folder whose ``page`` module is the page (``overview``,
``report``).
"""
