"""Flask pages of accounts and staff: log in, administration, moderation, the vault.

Their Jinja templates are in ``templates/``; every page extends ``base.html`` (see
:mod:`dashboard.views.layout`).
"""
