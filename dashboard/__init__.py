"""The Dash application: pages, figures, the API blueprint."""
