"""Controlled vocabularies of the recording form (DOMAIN §6 fields a recorder fills).

Names follow DOMAIN.md §6 except where DESIGN.md §5 already names a thing. Residence status
is deliberately absent (DOMAIN §8.1: never collected). The form's location precision is a
subset of :data:`data.reference.vocab.GEO_PRECISIONS`.
"""

from __future__ import annotations

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
#: What the person concerned agreed to (DOMAIN §2.1 item 9, §8.3 rule 9).
CONSENTS = ("consent_record", "consent_share_network", "consent_publish_aggregate",
            "consent_police_referral")
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
