"""The fields of the recording form (``/report``), each declared once, with their vocabularies.

:data:`FORM_FIELDS` holds one :class:`FormField` per field, in the order of the form
(DOMAIN §2.1): its id, kind, vocabulary, whether it is required, its limit, the field that
says how precisely it is known, and the incident columns it fills. What the rest of the
product knows about a field derives from it: the Dash form's inputs, sections, choices and
defaults (``dashboard/pages/report/form.py``), the checks of ``ingest/form.py`` (closed
lists, required answers, limits, message slots, what is stored where), the page's words
(``dashboard/pages/report/texts.py``, keyed by the field's id: a question for every field,
a label for every choice) and the column classes (every column a field fills has one in
:mod:`data.privacy.columns`, which anonymisation reads).

Names follow DOMAIN.md §6 except where DESIGN.md §5 already names a thing. Residence status
is deliberately absent (DOMAIN §8.1: never collected). The form's location precision is a
subset of :data:`data.reference.vocab.GEO_PRECISIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.reference.vocab import CLASSIFICATIONS, LOCATION_TYPES

SOURCE_TYPES = ("victim", "witness", "third_party_support", "media", "police",
                "social_media", "other")
TIMES_OF_DAY = ("night", "morning", "afternoon", "evening", "unknown")
TARGET_TYPES = ("individual", "several_individuals", "private_property", "business",
                "community_property", "place_of_worship", "asylum_accommodation",
                "organisation", "public_official", "hrd_activist")
VICTIM_GROUPS = ("migrant", "refugee_asylum_seeker", "black", "muslim", "roma", "jewish",
                 "other_ethnic", "other")
VICTIM_GENDERS = ("female", "male", "another", "unknown")
AGE_BANDS = ("under_18", "18_29", "30_64", "65_plus", "unknown")
PERPETRATOR_TYPES = ("unknown_individual", "known_individual", "neighbour",
                     "group_of_individuals", "organised_hate_group", "police_law_enforcement",
                     "other_public_official", "private_security", "politician_public_figure",
                     "media_outlet", "online_account", "other")
PERPETRATOR_COUNTS = ("one", "two_to_five", "six_plus", "unknown")
HARM_SEVERITIES = ("none", "psychological_only", "minor_injury", "medical_treatment",
                   "hospitalised", "fatal", "unknown")
PROPERTY_DAMAGES = ("none", "minor", "major", "destroyed", "unknown")
YES_NO_UNKNOWN = ("yes", "no", "unknown")
REPORTED_TO_POLICE = ("yes", "no", "unknown", "victim_refused")
REASONS_NOT_REPORTED = ("distrust_police", "fear_immigration_consequences",
                        "fear_retaliation", "language_barrier", "not_serious_enough",
                        "did_not_know_how", "other")
JUSTICE_OUTCOMES = ("none", "investigation", "prosecution", "conviction", "acquittal",
                    "unknown")
#: Location precision a recorder can claim on the form (finest first).
FORM_GEO_PRECISIONS = ("exact", "municipality", "country")
#: Date precision a recorder can claim on the form.
FORM_DATE_PRECISIONS = ("day", "month", "year")
#: Languages a narrative can be written in (BCP-47 primary subtags): the EU's 24 plus the
#: languages DOMAIN §9 names for victims' own accounts.
NARRATIVE_LANGUAGES = ("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
                       "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
                       "ar", "fa", "ps", "ti", "ur", "uk", "ru", "tr")
#: Status of a filled form (table ``reports``): saved for later, or turned into an incident.
REPORT_STATUSES = ("draft", "submitted")

#: Kind of a field -> what it holds and how the form asks for it.
FIELD_KINDS = {
    "date": "a date as typed (a day, a month or a year), read by ingest's date rules",
    "text": "a short free text, stored as typed",
    "textarea": "a long free text, stored as typed",
    "account": "the recorder's account, read as a source row's description",
    "count": "a whole number typed from 1 to the field's limit",
    "check": "a tick box, stored as a boolean",
    "radio": "one choice of the vocabulary, as round buttons",
    "dropdown": "one choice of the vocabulary, from a list",
    "checklist": "any choices of the vocabulary",
    "language": "one language code of the vocabulary; the page's language on a new form",
    "country": "a member state, from the taxonomy's countries",
    "taxonomy": "codes of one taxonomy kind",
    "primary": "the main code among those ticked in a taxonomy field",
    "location": "the typed town and the point chosen on the map",
}


@dataclass(frozen=True)
class FormField:
    """One field of the recording form.

    Attributes
    ----------
    name : str
        Its id: the input is ``report-<name>`` (dashes for underscores), and its message
        slot, question and choice labels are keyed by it.
    section : str
        The section of the form that asks it.
    kind : str
        A key of :data:`FIELD_KINDS`.
    values : tuple of str, optional
        Its vocabulary, for the kinds that choose from one.
    required : bool
        The form is refused without it (a required tick box must be ticked).
    limit : int, optional
        The most characters of a text, or the largest count.
    columns : tuple of str
        The ``incidents`` columns it fills (codes go to the link tables).
    precision : str, optional
        The field whose answer says how precisely this one is known (its claim).
    default : str, optional
        Its value on a new form.
    input : str, optional
        The name its value is sent under, when not ``name`` (the location's typed town).
    taxonomy : str, optional
        The taxonomy kind of a code field (``bias``, ``indicator``, ``type``).
    primary : str, optional
        The field naming the main one of a code field's codes.
    hint : str
        How to fix it when it is missing, where the standard hint says too little.
    """

    name: str
    section: str
    kind: str
    values: tuple[str, ...] | None = None
    required: bool = False
    limit: int | None = None
    columns: tuple[str, ...] = ()
    precision: str | None = None
    default: str | None = None
    input: str | None = None
    taxonomy: str | None = None
    primary: str | None = None
    hint: str = ""

    def __post_init__(self):
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"form field {self.name}: unknown kind {self.kind!r}")

    @property
    def sent_as(self) -> str:
        """The name of the input whose value the page sends for this field."""
        return self.input or self.name


def _stored(name: str, section: str, kind: str, values: tuple[str, ...] | None = None,
            **options) -> FormField:
    """A field stored in the incident column of its own name."""
    return FormField(name, section, kind, values, columns=(name,), **options)


#: Every field of the form, in its order (DOMAIN §2.1).
FORM_FIELDS = (
    FormField("date", "when", "date", required=True, precision="date_precision",
              columns=("date_start", "date_end")),
    _stored("date_precision", "when", "radio", FORM_DATE_PRECISIONS, required=True,
            default="day"),
    _stored("date_end", "when", "date"),
    _stored("time_of_day", "when", "radio", TIMES_OF_DAY),
    _stored("country", "where", "country", required=True),
    _stored("is_online", "where", "check"),
    _stored("location_type", "where", "dropdown", LOCATION_TYPES, required=True),
    FormField("location", "where", "location", limit=300, precision="geo_precision",
              input="place", columns=("place_name", "lat", "lon")),
    _stored("geo_precision", "where", "radio", FORM_GEO_PRECISIONS, required=True,
            default="municipality"),
    FormField("types", "what", "taxonomy", required=True, taxonomy="type",
              primary="types_primary"),
    FormField("types_primary", "what", "primary"),
    _stored("attempted", "what", "check"),
    _stored("national_offence_label", "what", "text", limit=300),
    _stored("harm_severity", "what", "dropdown", HARM_SEVERITIES, required=True),
    _stored("property_damage", "what", "dropdown", PROPERTY_DAMAGES),
    _stored("weapon_used", "what", "radio", YES_NO_UNKNOWN),
    _stored("classification", "what", "radio", CLASSIFICATIONS, required=True),
    FormField("bias", "why", "taxonomy", required=True, taxonomy="bias",
              primary="bias_primary"),
    FormField("bias_primary", "why", "primary"),
    FormField("indicators", "why", "taxonomy", taxonomy="indicator"),
    _stored("bias_indicator_notes", "why", "textarea", limit=5_000),
    _stored("target_type", "who_targeted", "dropdown", TARGET_TYPES, required=True),
    _stored("victim_count", "who_targeted", "count", limit=10_000),
    _stored("victim_groups", "who_targeted", "checklist", VICTIM_GROUPS),
    _stored("victim_gender", "who_targeted", "radio", VICTIM_GENDERS),
    _stored("victim_age_band", "who_targeted", "radio", AGE_BANDS),
    _stored("perpetrator_type", "who_did", "dropdown", PERPETRATOR_TYPES, required=True),
    _stored("perpetrator_count", "who_did", "radio", PERPETRATOR_COUNTS),
    _stored("reported_to_police", "justice", "radio", REPORTED_TO_POLICE, required=True),
    _stored("police_flagged_hate", "justice", "radio", YES_NO_UNKNOWN),
    _stored("reasons_not_reported", "justice", "checklist", REASONS_NOT_REPORTED),
    _stored("justice_outcome", "justice", "dropdown", JUSTICE_OUTCOMES),
    _stored("source_type", "source", "dropdown", SOURCE_TYPES, required=True),
    _stored("narrative", "source", "account", required=True, limit=20_000,
            hint="Describe what happened, in the words of the person who told you if "
                 "possible."),
    _stored("narrative_lang", "source", "language", NARRATIVE_LANGUAGES, required=True),
    # what the person concerned agreed to (DOMAIN §2.1 item 9, §8.3 rule 9)
    _stored("consent_record", "consent", "check", required=True),
    _stored("consent_share_network", "consent", "check"),
    _stored("consent_publish_aggregate", "consent", "check"),
    _stored("consent_police_referral", "consent", "check"),
)
#: Field id -> field.
FIELDS_BY_NAME = {field.name: field for field in FORM_FIELDS}
#: Incident column -> the field that fills it.
FIELDS_BY_COLUMN = {column: field for field in FORM_FIELDS for column in field.columns}
#: Sections of the form, in order.
SECTIONS = tuple(dict.fromkeys(field.section for field in FORM_FIELDS))
#: The consents a record stores (the fields of the consent section), in order.
CONSENTS = tuple(field.name for field in FORM_FIELDS if field.section == "consent")


def fields_of(*kinds: str) -> tuple[FormField, ...]:
    """The fields of ``kinds`` (keys of :data:`FIELD_KINDS`), in the form's order."""
    return tuple(field for field in FORM_FIELDS if field.kind in kinds)
