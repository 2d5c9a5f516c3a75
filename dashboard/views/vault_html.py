"""HTML (Jinja) of the confidential pages: a record's people, files and consents; subject access.

Staff-only pages, in English for now (see docs/data-protection.md).
"""

from __future__ import annotations

from dashboard.views.moderation_html import CSRF

CONSENT_TEXT = {
    "consent_record": ("We may keep the details of this incident",
                       "Without it the record is a count only: withdrawing it erases the "
                       "account, the place and every person and file of this record at once. "
                       "This cannot be undone."),
    "consent_share_network": ("It may be shared within the network",
                              "Without it only your organisation reads the account and the "
                              "people involved; moderators elsewhere see the codes only."),
    "consent_publish_aggregate": ("It may be counted in published statistics",
                                  "Without it the record is never published; withdrawing it "
                                  "takes a published record out of every public output."),
    "consent_police_referral": ("It may be passed on to the police",
                                "Shown to those who read the record; the product never "
                                "sends anything to the police."),
}

PERSONAL = """<p><a href="{{ back }}{{ q }}">Back to the record</a></p>
<p>Record <strong>{{ record.public_id }}</strong> ({{ record.status }}, {{ record.country }},
{{ record.date_start }}). Everything on this page is confidential: it is never published,
and every time it is shown the access log records who saw it.</p>
{% if record.personal_data_erased_at %}<p class="withheld" id="anonymised">This record was
anonymised on {{ record.personal_data_erased_at }}.</p>{% endif %}
<h2>Consents</h2>
<form method="post" action="/records/{{ record.id }}/consent" id="consent-form">""" + CSRF + """
{% for name, (label, help) in consent_text.items() %}<p><label><input type="checkbox"
 name="{{ name }}" value="yes" id="{{ name }}" {% if record[name] %}checked{% endif %}>
 {{ label }}</label><br><small>{{ help }}</small>
{% if record[name] is none %}<br><small>(not recorded with the form: treated as given)
</small>{% endif %}</p>{% endfor %}
{% if record.consent_record is not false %}<p><label><input type="checkbox"
 name="confirm_erase" value="yes" id="confirm-erase"> If consent to record is withdrawn:
 I understand that the account, the place and the people of this record are erased at
 once.</label></p>{% endif %}
<p><button type="submit" id="consent-save">Save the consents</button></p></form>
<h2>People involved</h2>
{% if withheld %}<p class="withheld" id="vault-withheld">{{ withheld }}</p>{% else %}
<table class="queue" id="vault-people"><thead><tr><th>Role</th>
{% for f in fields %}<th>{{ f }}</th>{% endfor %}<th>Added</th><th></th></tr></thead><tbody>
{% for p in people %}<tr><td>{{ p.role }}</td>
{% if p.details is none %}<td colspan="{{ fields|length }}">This entry cannot be opened with
the current vault key.</td>{% else %}{% for f in fields %}<td>{{ p.details.get(f, "") }}</td>
{% endfor %}{% endif %}<td>{{ p.created_at }}</td><td>{% if may_erase %}
<form method="post" action="/records/{{ record.id }}/people/{{ p.id }}/erase">""" + CSRF + """
<button type="submit" id="erase-person-{{ p.id }}">Erase this person</button></form>
{% endif %}</td></tr>{% else %}<tr><td colspan="{{ fields|length + 3 }}">Nobody recorded.
</td></tr>{% endfor %}</tbody></table>
{% if may_add %}<h3>Add a person</h3>
<form method="post" action="/records/{{ record.id }}/people" id="add-person">""" + CSRF + """
<p><label>Role <select name="person_role" id="person_role">{% for r in roles %}
<option {% if r == typed.get("person_role") %}selected{% endif %}>{{ r }}</option>
{% endfor %}</select></label></p>
{% for f in fields %}<p><label for="person-{{ f }}">{{ f }}</label><br>
<input id="person-{{ f }}" name="{{ f }}" size="60" value="{{ typed.get(f, '') }}"></p>
{% endfor %}<p><button type="submit" id="add-person-save">Add</button></p></form>{% endif %}
<h2>Files</h2>
<table class="queue" id="vault-files"><thead><tr><th>Name</th><th>Type</th><th>Size</th>
<th>Added</th></tr></thead><tbody>{% for f in files %}<tr><td>
<a href="/records/{{ record.id }}/files/{{ f.id }}">{{ f.name or "(locked)" }}</a></td>
<td>{{ f.content_type or "" }}</td><td>{{ f.size }}</td><td>{{ f.created_at }}</td></tr>
{% else %}<tr><td colspan="4">No files.</td></tr>{% endfor %}</tbody></table>
{% if may_add %}<form method="post" action="/records/{{ record.id }}/files"
 enctype="multipart/form-data" id="add-file">""" + CSRF + """
<p><label>File (at most {{ max_mb }} MB) <input type="file" name="file" id="file-input">
</label> <button type="submit" id="add-file-save">Upload</button></p></form>{% endif %}
{% endif %}
{% if may_erase %}<h2>Anonymise this record</h2>
<form method="post" action="/records/{{ record.id }}/anonymise" id="anonymise-form">
""" + CSRF + """<p>Erases the account, notes, place, point, the victim's attributes and
every person and file of this record; keeps month, region, codes and the public summary.
The audit log records that it happened, not what was erased.</p>
<p><label>Why <select name="reason">{% for r in reasons %}<option>{{ r }}</option>
{% endfor %}</select></label>
<label><input type="checkbox" name="confirm" value="yes" id="anonymise-confirm"> I have
checked that this is the person's request</label>
<button type="submit" id="anonymise">Anonymise</button></p></form>{% endif %}"""

SUBJECT_ACCESS = """<p>Find everything held about one person (their right of access,
GDPR Art. 15) or erase it (Art. 17) from each record below. Searches compare the exact name,
e-mail address, phone number or id number (case, accents and phone punctuation aside).
Searches and exports are logged; the values searched for are not.</p>
<form method="post" action="/moderate/subject-access" id="subject-search">""" + CSRF + """
{% for f in search_fields %}<p><label for="sa-{{ f }}">{{ f }}</label><br>
<input id="sa-{{ f }}" name="{{ f }}" size="50" value="{{ typed.get(f, '') }}"></p>
{% endfor %}<p><button name="action" value="search" id="subject-search-go">Search</button>
{% if matches %}<button name="action" value="export" id="subject-export">Download everything
found (zip)</button>{% endif %}</p></form>
{% if searched %}<h2>Found</h2><table class="queue" id="subject-matches"><thead><tr>
<th>Record</th><th>Role</th><th>Organisation</th><th></th></tr></thead><tbody>
{% for m in matches %}<tr><td>{{ m.public_id }}</td><td>{{ m.role }}</td>
<td>{{ m.organisation or "" }}</td><td><a href="/records/{{ m.incident_id }}/personal{{ q }}">
open</a></td></tr>{% else %}<tr><td colspan="4">Nothing found that you may read.</td></tr>
{% endfor %}</tbody></table>
{% if elsewhere %}<p id="subject-elsewhere">{{ elsewhere }} more entries are held by
organisations that did not share them with the network; those organisations answer for
them.</p>{% endif %}
{% endif %}"""
