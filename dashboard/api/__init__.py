"""The HTTP API under ``/api/v1``: routes, the OpenAPI document, HTTP caching."""
