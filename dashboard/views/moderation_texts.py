"""Interface texts of ``/moderate`` and ``/my-records`` (English msgids, see dashboard.i18n)."""

from __future__ import annotations

from dashboard.i18n import N_, translate

UI = {
    "moderate": N_("Moderation queue"), "record_title": N_("Record"),
    "mine": N_("Your organisation's records"),
    "status": N_("Status"), "to_decide": N_("submitted or verified"), "any": N_("any"),
    "country": N_("Country"), "organisation": N_("Organisation"),
    "date_from": N_("From"), "date_to": N_("to"), "filter": N_("Filter"),
    "select": N_("Select"), "record": N_("Record"), "date": N_("Date"),
    "summary": N_("Public summary"), "duplicates": N_("Likely duplicates"),
    "empty": N_("No records."), "reason": N_("Reason (optional)"),
    "verify": N_("Verify"), "publish": N_("Publish"), "reject": N_("Reject"),
    "history": N_("Edit history"), "when": N_("When"), "who": N_("Who"),
    "field": N_("Field"), "old": N_("Old value"), "new": N_("New value"),
    "reviewed": N_("reviewed"), "no_history": N_("No changes yet."),
    "back": N_("Back to the queue"), "back_mine": N_("Back to your records"),
    "summary_label": N_("Public summary (one line, reviewed by a moderator; "
                        "shown publicly once the record is published)"),
    "save_summary": N_("Save the summary"), "likely_duplicate": N_("Likely duplicate:"),
    "score": N_("score"), "this_record": N_("This record"),
    "other_record": N_("The other record"),
    "mark_duplicate": N_("Mark this record as a duplicate of"),
    "my_intro": N_("Every record of your organisation. Submitted records can still be "
                   "edited; each change is logged with its old and new value."),
    "edit": N_("Edit"), "view": N_("View"), "save": N_("Save the changes"),
    "not_editable": N_("Only submitted records can be edited; ask a moderator to change "
                       "this one."),
    "done": N_("{count} record(s) changed."), "saved": N_("Saved: {fields}."),
    "unchanged": N_("Nothing changed."), "none_selected": N_("Select at least one record."),
}

#: Status labels.
STATUS = {"draft": N_("draft"), "submitted": N_("submitted"), "verified": N_("verified"),
          "published": N_("published"), "rejected": N_("rejected"),
          "duplicate": N_("duplicate")}

#: The messages of data.records.workflow, marked here so that they get translated.
MESSAGES = (
    N_("Record {record}: a {old} record cannot become {new}."),
    N_("Record {record}: a member organisation's record needs a public summary "
       "reviewed by a moderator before it is published."),
    N_("Record {record} does not exist (or is not one of your organisation's)."),
    N_("Only moderators and admins change the status of a record."),
    N_("Record {record} is {status}: your organisation can edit it only while it "
       "is submitted."),
    N_("{field} cannot be edited here."),
    N_("{field}: {value} is not a valid value."),
    N_("{field} is longer than {limit} characters."),
    N_("{field} cannot be empty."),
)


def texts(lang: str) -> dict[str, str]:
    """The page texts in ``lang``."""
    return {key: translate(text, lang) for key, text in UI.items()}


def status_labels(lang: str) -> dict[str, str]:
    """Status -> its label in ``lang``."""
    return {key: translate(text, lang) for key, text in STATUS.items()}


def problems(error, lang: str) -> list[str]:
    """The messages of a :class:`data.records.workflow.WorkflowError`, translated.

    A status named in a message (``old``, ``new``, ``status``) is translated too.
    """
    labels = status_labels(lang)
    out = []
    for problem in error.problems:
        values = {k: labels.get(v, v) if k in ("old", "new", "status") else v
                  for k, v in problem.values.items()}
        out.append(translate(problem.message, lang).format(**values))
    return out
