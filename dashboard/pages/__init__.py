"""Dash pages; each module exposes ``layout(context)`` and ``register(app)``."""
