"""The class of every column of an incident: who may see it, and what anonymisation clears.

One declaration, :data:`COLUMN_CLASSES` (column -> :class:`ColumnClass`), written after
DESIGN §5 and DOMAIN §6 and §8; the rules that used to keep their own lists derive from it:

- the public projection shows the :attr:`~ColumnClass.public` columns, and the researcher
  projection adds the stored value of the :attr:`~ColumnClass.researcher` ones to published
  member records (:mod:`data.privacy.publication`); every other column is restricted: no
  public output may contain it;
- :attr:`~ColumnClass.personal` columns hold personal data: the consents decide who reads
  and changes them (:mod:`data.records.moderation`, :mod:`data.records.workflow`), the audit
  log never copies their values (:mod:`data.records.audit`), anonymisation clears them
  (:mod:`data.people.erasure`), and retention clears the narrative and the place by age
  (:mod:`data.people.retention`). A member record's point and place name are personal data
  and never public; an open source's are public as its publisher released them.

Every column of ``incidents`` has a class (``tests/data/privacy/test_column_classes.py`` reads the
schema), so a new column cannot be added without deciding what it is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnClass:
    """What the columns of one class are and where they may go.

    Attributes
    ----------
    name : str
        The class's name.
    description : str
        What its columns hold, in a sentence.
    public : bool
        Shown by public outputs (coarsened by the source's publication policy).
    researcher : bool
        The researcher projection shows published member records' stored value.
    personal : bool
        Personal data: withheld where the consents do not allow the reader, never copied
        into the audit log, cleared when the record is anonymised.
    """

    name: str
    description: str
    public: bool = False
    researcher: bool = False
    personal: bool = False


PUBLIC = ColumnClass("public", "Shown by every public output; the dates of member records "
                     "only to the month.", public=True)
REGION = ColumnClass("region", "NUTS regions: public at the region that small-cell "
                     "generalisation allows; researchers see member records' stored "
                     "regions.", public=True, researcher=True)
PLACE = ColumnClass("place", "The point and the place name: public as an open source's "
                    "publisher released them; personal data of member records, never "
                    "public.", public=True, personal=True)
NARRATIVE = ColumnClass("narrative", "The recorder's account, its language and the notes on "
                        "bias indicators (may quote slurs): restricted personal data.",
                        personal=True)
PERSONAL = ColumnClass("personal", "Who was targeted (perceived groups, gender, age) and the "
                       "time of day: personal data.", personal=True)
FREE_TEXT = ColumnClass("free_text", "Free text as typed or received (the national offence "
                        "label, raw labels, ingest notes): it may name a person, so it is "
                        "cleared with the personal data.", personal=True)
CODED = ColumnClass("coded", "Coded answers of the recording form: staff read them; kept "
                    "when a record is anonymised.")
CONSENT = ColumnClass("consent", "What the person agreed to, and when: staff read it; kept "
                      "(it decides everything else).")
INTERNAL = ColumnClass("internal", "Identifiers, provenance, workflow and bookkeeping: not "
                       "in public outputs; kept.")

#: The one declared column ``incidents`` does not hold: the record's source, read as the slug
#: of its ``sources`` row.
SOURCE = "source"

#: Column -> class. The public columns come first, in the public projection's output order.
COLUMN_CLASSES: dict[str, ColumnClass] = {
    "public_id": PUBLIC,
    "date_start": PUBLIC,
    "date_end": PUBLIC,
    "date_precision": PUBLIC,
    "country": PUBLIC,
    "nuts1": REGION,
    "nuts2": REGION,
    "nuts3": REGION,
    "geo_precision": PUBLIC,
    "lat": PLACE,
    "lon": PLACE,
    "place_name": PLACE,
    "is_online": PUBLIC,
    "location_type": PUBLIC,
    "classification": PUBLIC,
    "public_summary": PUBLIC,
    SOURCE: PUBLIC,
    "policy": PUBLIC,
    # restricted: the account and other personal data
    "narrative": NARRATIVE,
    "narrative_lang": NARRATIVE,
    "bias_indicator_notes": NARRATIVE,
    "time_of_day": PERSONAL,
    "victim_groups": PERSONAL,
    "victim_gender": PERSONAL,
    "victim_age_band": PERSONAL,
    "national_offence_label": FREE_TEXT,
    "raw_labels": FREE_TEXT,
    "quality_notes": FREE_TEXT,
    # restricted: coded answers of the recording form (DOMAIN §6)
    "source_type": CODED,
    "attempted": CODED,
    "target_type": CODED,
    "victim_count": CODED,
    "perpetrator_type": CODED,
    "perpetrator_count": CODED,
    "harm_severity": CODED,
    "property_damage": CODED,
    "weapon_used": CODED,
    "reported_to_police": CODED,
    "police_flagged_hate": CODED,
    "reasons_not_reported": CODED,
    "justice_outcome": CODED,
    # restricted: consents
    "consent_record": CONSENT,
    "consent_share_network": CONSENT,
    "consent_publish_aggregate": CONSENT,
    "consent_police_referral": CONSENT,
    "consent_recorded_at": CONSENT,
    # restricted: identifiers, provenance, workflow, bookkeeping
    "id": INTERNAL,
    "uuid": INTERNAL,
    "source_id": INTERNAL,
    "source_record_id": INTERNAL,
    "ingest_run_id": INTERNAL,
    "organisation_id": INTERNAL,
    "status": INTERNAL,
    "nuts_version": INTERNAL,
    "taxonomy_version": INTERNAL,
    "created_at": INTERNAL,
    "updated_at": INTERNAL,
    "personal_data_erased_at": INTERNAL,
}


def columns_of(*classes: ColumnClass) -> tuple[str, ...]:
    """The columns of ``classes``, in the order of :data:`COLUMN_CLASSES`."""
    return tuple(name for name, found in COLUMN_CLASSES.items() if found in classes)


def columns_where(flag: str, value: bool = True) -> tuple[str, ...]:
    """The columns whose class has ``flag`` (``public``, ``researcher``, ``personal``) = value.

    Examples
    --------
    >>> columns_where("researcher")
    ('nuts1', 'nuts2', 'nuts3')
    """
    return tuple(name for name, found in COLUMN_CLASSES.items()
                 if getattr(found, flag) is value)


#: Columns holding personal data (:attr:`ColumnClass.personal`), in declaration order.
PERSONAL_COLUMNS = columns_where("personal")
