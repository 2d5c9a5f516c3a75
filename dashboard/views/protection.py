"""Page ``/data-protection``: how the product protects the people in its records.

For member organisations, operators and the people concerned: what is collected and why, who
sees it, what is published, how long it is kept (the live retention settings), the rights of
the people concerned and how they are answered, the safeguards, and a record-of-processing
template for the network's data protection assessment. Public, plain HTML, no script.
"""

from __future__ import annotations

import flask
from markupsafe import Markup

from dashboard.context import current
from dashboard.views.moderation_html import PAGE
from data.settings import RETENTION_DEFAULTS

blueprint = flask.Blueprint("protection", __name__)
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

BODY = """
<p>incidentmap records anti-migrant hate incidents that member organisations of the network
learn of. The records concern people who were attacked, threatened or insulted because of who
they are; many have an insecure residence status. This page says what the product keeps
about them, who can see it, and how long it is kept. It describes this installation's
settings as they are now.</p>

<h2 id="collected">What is collected, and why</h2>
<table class="admin-table"><thead><tr><th>What</th><th>Why</th><th>Where it is kept</th>
</tr></thead><tbody>
<tr><td>The incident: date, country and place, what happened (incident types), why
(bias motivations), the evidence of bias (indicators), harm, police contact</td>
<td>to count and map hate incidents and support the people affected</td>
<td>the incident table</td></tr>
<tr><td>The recorder's account (narrative) and notes on the bias indicators</td>
<td>to verify the record; never published</td>
<td>the incident table, restricted; erased after its retention period</td></tr>
<tr><td>Categories of the victim (perceived group, gender, age band), never a name</td>
<td>to see who is targeted; never published per record</td>
<td>the incident table, restricted</td></tr>
<tr><td>Names, contact details, identity numbers and files of victims, witnesses and
reporters, only with consent to record</td>
<td>to stay in contact with the person and support them</td>
<td>the identity vault: separate tables, every value encrypted with a key kept outside the
database</td></tr>
<tr><td>What the person agreed to (consents)</td><td>to use the record only as agreed</td>
<td>the incident table</td></tr>
</tbody></table>
<p><strong>Never collected:</strong> residence or immigration status, perpetrator names,
health details beyond a harm category. The form does not ask for them, and the recording
guidance says not to write them into the account.</p>

<h2 id="consent">Consent decides use</h2>
<ul>
<li><strong>To record</strong>: without it, nothing is recorded; withdrawn later, the record is
anonymised at once and kept as a count only.</li>
<li><strong>To share within the network</strong>: without it, only the recording organisation
reads the account and the people involved.</li>
<li><strong>To be counted in published statistics</strong>: without it, the record is never
published; withdrawn later, it leaves every public page, statistic and download at once.</li>
<li><strong>To refer to the police</strong>: shown to those who read the record; the product
never sends data anywhere.</li>
</ul>

<h2 id="who">Who sees what</h2>
<table class="admin-table"><thead><tr><th>Who</th><th>Records</th><th>Fields</th></tr>
</thead><tbody>
<tr><td>Everybody (no login)</td><td>published records</td><td>member records coarsened: the
month (never the day), a region (never a point or address), the codes and a public summary a
moderator reviewed; regions only where at least {{ min_cell }} records share them</td></tr>
<tr><td>Approved researchers</td><td>published records</td><td>as the public, with regions
down to NUTS 3; no account, no names; every answer is logged</td></tr>
<tr><td>Reporters of a member organisation</td><td>their organisation's records</td>
<td>everything, including the vault</td></tr>
<tr><td>Moderators and admins of the network</td><td>every organisation's records</td>
<td>what they need to verify; the account and the vault only where the person agreed to share
within the network</td></tr>
</tbody></table>
<p>Every time restricted data is shown (an account, the vault, a file, a researcher's
download, a subject-access export) the access log records who saw which records and which
fields. Admins read and export it.</p>

<h2 id="retention">How long it is kept</h2>
<table class="admin-table" id="retention-table"><thead><tr><th>Data</th><th>Kept for</th>
</tr></thead><tbody>{% for kind, text in retention_text.items() %}<tr><td>{{ text }}</td>
<td>{% if retention[kind] %}{{ retention[kind] }} days{% else %}until erased by hand{% endif %}
</td></tr>{% endfor %}</tbody></table>
<p>The periods count from when the data was recorded. The operator runs
<code>incidentmap retention run</code> every day; it erases what is due and logs that it did,
never what it erased. Deleted data is overwritten in the database file.</p>

<h2 id="rights">The rights of the people concerned</h2>
<p>A person can ask the organisation that recorded their incident what is held about them,
to correct it, to erase it or to withdraw a consent. Moderators find everything held about a
person by name, e-mail, phone or id number and export it in one file; they erase one person's
details or anonymise a whole record. Erasure keeps only what the publication rules allow
(month, region, codes, the reviewed summary) and logs that it happened, not what was
erased.</p>

<h2 id="safeguards">Safeguards</h2>
<ul>
<li>The identity vault is encrypted (Fernet: AES with an authentication tag) with a key kept
outside the database. A copy of the database alone reveals no name or contact; a lost key
makes the vault unreadable, never the incidents.</li>
<li>Passwords are hashed with Argon2id; moderators and admins log in with a second factor;
sessions use signed, HttpOnly cookies; every change needs a CSRF token.</li>
<li>Every change to a record is in an append-only audit log; account text and place names are
logged as "changed", never with their value.</li>
<li>Personal values never appear in page addresses, server logs or error messages.</li>
<li>Small cells: no public output reveals a count of member records below {{ min_cell }} for
any region.</li>
</ul>

<h2 id="ropa">Record of processing activities (template)</h2>
<p>For the network's record of processing (GDPR Art. 30) and its data protection impact
assessment (Art. 35: records revealing ethnic origin or religion, and alleged offences, call
for one). Fill in the bracketed parts.</p>
<pre id="ropa-template" style="white-space: pre-wrap">{{ ropa }}</pre>
"""

ROPA = """Name of the processing:  Recording and mapping of anti-migrant hate incidents
Controller(s):           [each member organisation for its own records; the network
                          (name, address) for the shared platform and publication]
Data protection officer: [name, contact]
Purposes:                supporting victims; documenting hate incidents; publishing
                          anonymised statistics; advocacy and research
Legal bases:             Art. 6(1)(a) consent / (e) or (f) [state which];
                          Art. 9(2)(a) explicit consent; [9(2)(d) for members only, if
                          relied on]; Art. 10 and [national law] for alleged offences
Data subjects:           victims, witnesses, reporters of incidents; staff of member
                          organisations (accounts)
Categories of data:      incident details; categories of the victim (perceived group,
                          gender, age band); identity and contact data (vault, with consent);
                          attachments; account and access-log data
Special categories:      racial or ethnic origin, religion (Art. 9); alleged offences
                          (Art. 10)
Recipients:              member organisations (own records); network moderators (as consent
                          allows); approved researchers (pseudonymised, month + NUTS 3);
                          the public (anonymised aggregates and summaries only)
Transfers outside EU:    [none / describe the hosting]
Retention:               {retention}
Security measures:       encrypted identity vault with a separate key; role-based access
                          with two-factor login for moderators and admins; append-only
                          audit and access logs; small-cell suppression of public outputs;
                          secure deletion; [hosting, backups and their retention]
DPIA:                    [date, outcome, review date]"""


@blueprint.get(PATH)
def data_protection():
    """The page (see the module)."""
    settings = current().settings
    retention = {k: settings.retention.get(k) for k in RETENTION_DEFAULTS}
    ropa = ROPA.format(retention=("\n" + " " * 25).join(
        f"{k}: {f'{v} days' if v else 'until erased by hand'}" for k, v in retention.items()))
    inner = flask.render_template_string(BODY, retention=retention, min_cell=settings.min_cell,
                                         retention_text=RETENTION_TEXT, ropa=ropa)
    page = flask.render_template_string(PAGE, lang="en", q="", title="How we protect data",
                                        t={"account": "Your account"}, errors=[], message="",
                                        body=Markup(inner))
    return flask.make_response(page)
