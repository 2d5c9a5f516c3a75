"""Page ``/data-protection``: how the product protects the people in its records.

For member organisations, operators and the people concerned: what is collected and why, who
sees it, what is published, how long it is kept (the live retention settings), the rights of
the people concerned and how they are answered, the safeguards, and a record-of-processing
template for the network's data protection assessment. Public, plain HTML, no script.
"""

from __future__ import annotations

import flask

from dashboard.context import current
from dashboard.views import layout
from data.settings import RETENTION_DEFAULTS

blueprint = flask.Blueprint("protection", __name__, template_folder=layout.TEMPLATES)
PATH = "/data-protection"

#: What each retention kind covers, in plain words.
RETENTION_TEXT = {
    "people": "names, contact details and identity numbers in the vault",
    "attachments": "files in the vault (photos, letters, screenshots)",
    "narrative": "the recorder's account of the incident and the notes on bias indicators",
    "exact_location": "the point and place name of a member record (its region stays)",
    "drafts": "report forms saved but never submitted",
    "login_attempts": "network addresses and hashed e-mail addresses of login attempts",
}


@blueprint.get(PATH)
def data_protection():
    """The page (see the module)."""
    settings = current().settings
    return layout.render(
        "data_protection.html", title="How we protect data", page_class="moderation-page",
        forms=False, no_store=False, retention_text=RETENTION_TEXT, min_cell=settings.min_cell,
        retention={k: settings.retention.get(k) for k in RETENTION_DEFAULTS})
