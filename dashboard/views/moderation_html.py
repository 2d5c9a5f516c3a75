"""HTML (Jinja) of the moderation pages and of ``/my-records``; texts in ``moderation_texts``."""

from __future__ import annotations

PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · incidentmap</title>
<link rel="stylesheet" href="/assets/style.css"></head>
<body><main class="moderation-page">
<p><a href="/{{ q }}">incidentmap</a> · <a href="/account">{{ t.account }}</a></p>
<h1>{{ title }}</h1>
{% for e in errors %}<p class="form-error" role="alert">{{ e }}</p>{% endfor %}
{% if message %}<p class="form-message" role="status" id="moderation-message">{{ message }}
</p>{% endif %}
{{ body }}
</main></body></html>"""

CSRF = ('<input type="hidden" name="{{ csrf_name }}" value="{{ csrf }}">'
        '<input type="hidden" name="lang" value="{{ lang }}">')

QUEUE = """<form method="get" action="/moderate" class="queue-filters">
<input type="hidden" name="lang" value="{{ lang }}">
<label>{{ t.status }} <select name="status" id="filter-status">
<option value="">{{ t.to_decide }}</option>
{% for s in statuses %}<option value="{{ s }}" {% if s == f.status %}selected{% endif %}>
{{ labels[s] }}</option>{% endfor %}</select></label>
<label>{{ t.country }} <select name="country" id="filter-country"><option value="">{{ t.any }}
</option>{% for c in countries %}<option {% if c == f.country %}selected{% endif %}>{{ c }}
</option>{% endfor %}</select></label>
<label>{{ t.organisation }} <select name="organisation" id="filter-organisation">
<option value="">{{ t.any }}</option>{% for id, name in orgs %}<option value="{{ id }}"
 {% if id == f.organisation_id %}selected{% endif %}>{{ name }}</option>{% endfor %}
</select></label>
<label>{{ t.date_from }} <input type="date" name="from" value="{{ f.date_from or '' }}"></label>
<label>{{ t.date_to }} <input type="date" name="to" value="{{ f.date_to or '' }}"></label>
<button type="submit">{{ t.filter }}</button></form>
<form method="post" action="/moderate/action">""" + CSRF + """
<input type="hidden" name="back" value="{{ back }}">
<table class="queue" id="moderation-queue"><thead><tr><th>{{ t.select }}</th>
<th>{{ t.record }}</th><th>{{ t.status }}</th><th>{{ t.date }}</th><th>{{ t.country }}</th>
<th>{{ t.organisation }}</th><th>{{ t.summary }}</th><th>{{ t.duplicates }}</th></tr></thead>
<tbody>{% for r in rows %}<tr><td><input type="checkbox" name="ids" value="{{ r.id }}"
 id="pick-{{ r.public_id }}" aria-label="{{ t.select }} {{ r.public_id }}"></td>
<td><a href="/moderate/record/{{ r.id }}{{ q }}">{{ r.public_id }}</a></td>
<td>{{ labels[r.status] }}</td><td>{{ r.date_start }}</td><td>{{ r.country }}</td>
<td>{{ r.organisation or r.source }}</td><td>{{ r.public_summary or "—" }}</td>
<td>{{ r.duplicates or "" }}</td></tr>
{% else %}<tr><td colspan="8">{{ t.empty }}</td></tr>{% endfor %}</tbody></table>
<p><label>{{ t.reason }} <input name="reason" size="50"></label></p>
<p><button name="action" value="verified" id="bulk-verify">{{ t.verify }}</button>
<button name="action" value="published" id="bulk-publish">{{ t.publish }}</button>
<button name="action" value="rejected" id="bulk-reject">{{ t.reject }}</button></p></form>"""

FIELDS = """<table class="record-fields">{% for name in shown %}<tr><th>{{ name }}</th>
<td>{{ record[name] if record[name] is not none else "—" }}</td></tr>{% endfor %}</table>
{% if record.withheld %}<p class="withheld" id="personal-withheld">Personal data not shown:
{{ record.withheld }}</p>{% elif record.policy == "member" %}<p><a id="personal-link"
 href="/records/{{ record.id }}/personal{{ q }}">People, files and consents
 (confidential)</a></p>{% endif %}"""

HISTORY = """<h2>{{ t.history }}</h2><table class="history" id="record-history"><thead><tr>
<th>{{ t.when }}</th><th>{{ t.who }}</th><th>{{ t.field }}</th><th>{{ t.old }}</th>
<th>{{ t.new }}</th><th>{{ t.reason }}</th></tr></thead><tbody>
{% for e in history %}<tr><td>{{ e.at.strftime("%Y-%m-%d %H:%M") }}</td>
<td>{{ e.user }} ({{ e.role }})</td><td>{{ e.field }}{% if e.action == "review" %}
({{ t.reviewed }}){% endif %}</td><td>{{ e.old_value or "—" }}</td>
<td>{{ e.new_value or "—" }}</td><td>{{ e.reason or "" }}</td></tr>
{% else %}<tr><td colspan="6">{{ t.no_history }}</td></tr>{% endfor %}</tbody></table>"""

RECORD = """<p><a href="/moderate{{ q }}">{{ t.back }}</a></p>""" + FIELDS + """
<form method="post" action="/moderate/record/{{ record.id }}">""" + CSRF + """
<p><label for="public_summary">{{ t.summary_label }}</label><br>
<textarea id="public_summary" name="public_summary" rows="2" cols="70" maxlength="300">
{{- record.public_summary or "" }}</textarea></p>
<p><label>{{ t.reason }} <input name="reason" size="50"></label></p>
<p><button name="action" value="save" id="record-save">{{ t.save_summary }}</button>
{% for s in steps %}<button name="action" value="{{ s }}" id="record-{{ s }}">
{{ labels[s] }}</button>{% endfor %}</p></form>
{% for d in duplicates %}<section class="duplicate"><h2>{{ t.likely_duplicate }}
{{ d.record.public_id }} ({{ t.score }} {{ "%.2f"|format(d.score) }}; {{ d.reasons }};
{{ d.status }})</h2>
<table class="side-by-side"><thead><tr><th></th><th>{{ t.this_record }}</th>
<th>{{ t.other_record }}</th></tr></thead><tbody>{% for name in shown %}
<tr {% if record[name] != d.record[name] %}class="differs"{% endif %}><th>{{ name }}</th>
<td>{{ record[name] if record[name] is not none else "—" }}</td>
<td>{{ d.record[name] if d.record[name] is not none else "—" }}</td></tr>{% endfor %}
</tbody></table>
<form method="post" action="/moderate/record/{{ record.id }}/duplicate">""" + CSRF + """
<input type="hidden" name="other" value="{{ d.record.id }}">
<button type="submit">{{ t.mark_duplicate }} {{ d.record.public_id }}</button></form>
</section>{% endfor %}""" + HISTORY

MY_RECORDS = """<p>{{ t.my_intro }}</p><table class="queue" id="my-records"><thead><tr>
<th>{{ t.record }}</th><th>{{ t.status }}</th><th>{{ t.date }}</th><th>{{ t.country }}</th>
<th>{{ t.summary }}</th><th></th></tr></thead><tbody>{% for r in rows %}<tr>
<td>{{ r.public_id }}</td><td>{{ labels[r.status] }}</td><td>{{ r.date_start }}</td>
<td>{{ r.country }}</td><td>{{ r.public_summary or "—" }}</td><td>
<a href="/my-records/{{ r.id }}{{ q }}">{{ t.edit if r.status == "submitted" else t.view }}</a>
</td></tr>{% else %}<tr><td colspan="6">{{ t.empty }}</td></tr>{% endfor %}</tbody></table>"""

MY_RECORD = """<p><a href="/my-records{{ q }}">{{ t.back_mine }}</a></p>""" + FIELDS + """
{% if editable %}<form method="post" action="/my-records/{{ record.id }}">""" + CSRF + """
{% for name, kind, options in inputs %}<p><label for="{{ name }}">{{ name }}</label><br>
{% if kind == "long" %}<textarea id="{{ name }}" name="{{ name }}" rows="4" cols="70">
{{- record[name] or "" }}</textarea>
{% elif kind == "choice" %}<select id="{{ name }}" name="{{ name }}"><option value=""></option>
{% for o in options %}<option {% if o == record[name] %}selected{% endif %}>{{ o }}</option>
{% endfor %}</select>
{% else %}<input id="{{ name }}" name="{{ name }}" size="60"
 value="{{ record[name] if record[name] is not none else '' }}">{% endif %}</p>{% endfor %}
<p><button type="submit" id="my-record-save">{{ t.save }}</button></p></form>
{% else %}<p>{{ t.not_editable }}</p>{% endif %}""" + HISTORY
