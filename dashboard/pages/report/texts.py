"""Words of the recording form (``/report``): sections, questions, help and choice labels.

Plain language first, the DOMAIN §6 field name nowhere: the recorder is a case worker, not a
data steward. Every text is marked for translation (``N_``) and translated where shown. The
texts are keyed by the ids of :mod:`data.records.form_fields`: a question for every field
and section, a label for every choice of a field's vocabulary (checked by
``tests/dashboard/pages/test_report_page.py``).
"""

from __future__ import annotations

from dashboard.i18n import N_

#: Sections of the form in the order of DOMAIN §2.1 (id, title, one-line help).
SECTIONS = (
    ("when", N_("1. When did it happen?"), N_("As precisely as you know it, and no more.")),
    ("where", N_("2. Where did it happen?"),
     N_("Search for the town, or click the map. The exact spot is never published.")),
    ("what", N_("3. What happened?"), N_("Tick every kind of act that took place.")),
    ("why", N_("4. Why do you think it was motivated by prejudice?"),
     N_("Ask the person why they think they were targeted, rather than whether it was a hate "
        "crime.")),
    ("who_targeted", N_("5. Who was targeted?"),
     N_("Categories only: never names or anything that identifies a person.")),
    ("who_did", N_("6. Who did it?"), N_("The kind of perpetrator only: never names.")),
    ("justice", N_("7. Was it reported to the police?"), ""),
    ("source", N_("8. How did you learn about it?"), ""),
    ("consent", N_("9. What did the person agree to?"),
     N_("Record only what the person agreed to. Without consent to record, do not submit.")),
)

#: Form field (:data:`data.records.form_fields.FORM_FIELDS`) -> (question, help under it).
QUESTIONS = {
    "date": (N_("Date"), N_("For example 2024-03-05, 5 March 2024, 2024-03 or 2024.")),
    "date_precision": (N_("How precisely do you know the date?"), ""),
    "date_end": (N_("Last day, if it went on for several days (optional)"), ""),
    "time_of_day": (N_("Time of day"), ""),
    "country": (N_("Country"), ""),
    "is_online": (N_("It happened online"), ""),
    "location_type": (N_("Kind of place"), ""),
    "location": (N_("Town or place"),
                 N_("Type a town and press Find, or click the map.")),
    "geo_precision": (N_("How precisely do you know the place?"), ""),
    "types": (N_("What happened (tick all that apply)"), ""),
    "types_primary": (N_("Which one was the most serious?"), ""),
    "attempted": (N_("It was an attempt (it did not succeed)"), ""),
    "national_offence_label": (N_("Offence under national law, if known (optional)"),
                               N_("In the original language, e.g. Volksverhetzung.")),
    "harm_severity": (N_("Harm to people"), ""),
    "property_damage": (N_("Damage to property"), ""),
    "weapon_used": (N_("Was a weapon used?"), ""),
    "classification": (N_("What kind of case is it?"), ""),
    "bias": (N_("Which prejudice was behind it? (tick all that apply)"), ""),
    "bias_primary": (N_("Which one mainly?"), ""),
    "indicators": (N_("What points to prejudice? (tick all you observed)"), ""),
    "bias_indicator_notes": (N_("Notes on these signs (optional)"),
                             N_("For example the words used. Kept internal.")),
    "target_type": (N_("What or who was targeted?"), ""),
    "victim_count": (N_("Number of people targeted (optional)"), ""),
    "victim_groups": (N_("Groups the people were seen as belonging to (optional)"), ""),
    "victim_gender": (N_("Gender (optional)"), ""),
    "victim_age_band": (N_("Age (optional)"), ""),
    "perpetrator_type": (N_("Kind of perpetrator"), ""),
    "perpetrator_count": (N_("Number of perpetrators"), ""),
    "reported_to_police": (N_("Reported to the police?"), ""),
    "police_flagged_hate": (N_("Did the police record it as a hate crime?"), ""),
    "reasons_not_reported": (N_("If not reported: why not? (optional)"), ""),
    "justice_outcome": (N_("What happened next, if known"), ""),
    "source_type": (N_("Who told you?"), ""),
    "narrative": (N_("What happened, in your own words"),
                  N_("Kept internal: never published. Leave out names, addresses and phone "
                     "numbers.")),
    "narrative_lang": (N_("Language of this description"), ""),
    "consent_record": (N_("We may record this incident"), ""),
    "consent_share_network": (N_("It may be shared within the network"), ""),
    "consent_publish_aggregate": (N_("It may be counted in published statistics"), ""),
    "consent_police_referral": (N_("It may be passed on to the police"), ""),
}

NOT_COLLECTED = N_(
    "Names, contact details and other identity data of victims and witnesses are not "
    "collected here (a separate protected store will hold them later). Residence status is "
    "never asked.")

CHOICE_LABELS = {
    "date_precision": {"day": N_("the exact day"), "month": N_("only the month"),
                       "year": N_("only the year")},
    "time_of_day": {"night": N_("night"), "morning": N_("morning"),
                    "afternoon": N_("afternoon"), "evening": N_("evening"),
                    "unknown": N_("not known")},
    "geo_precision": {"exact": N_("the exact spot"), "municipality": N_("the town"),
                      "country": N_("only the country")},
    "location_type": {
        "street_public_space": N_("street or public space"),
        "public_transport": N_("public transport"), "victims_home": N_("the victim's home"),
        "asylum_accommodation": N_("asylum or reception accommodation"),
        "place_of_worship": N_("place of worship"), "shop_business": N_("shop or business"),
        "school_university": N_("school or university"), "workplace": N_("workplace"),
        "police_detention": N_("police station or detention"),
        "border_area": N_("border area"), "online": N_("online"), "other": N_("other"),
        "unknown": N_("not known")},
    "classification": {
        "hate_crime": N_("hate crime: a criminal offence with a bias motive"),
        "hate_incident": N_("hate incident: not a crime, or not proven, but biased"),
        "hate_speech_criminal": N_("hate speech that is a crime (e.g. incitement)"),
        "hate_speech_noncriminal": N_("hate speech that is not a crime"),
        "discrimination": N_("discrimination: less favourable treatment"),
        "unclear": N_("not clear yet")},
    "harm_severity": {"none": N_("none"), "psychological_only": N_("psychological only"),
                      "minor_injury": N_("minor injury"),
                      "medical_treatment": N_("needed medical treatment"),
                      "hospitalised": N_("hospitalised"), "fatal": N_("fatal"),
                      "unknown": N_("not known")},
    "property_damage": {"none": N_("none"), "minor": N_("minor"), "major": N_("major"),
                        "destroyed": N_("destroyed"), "unknown": N_("not known")},
    "weapon_used": {"yes": N_("yes"), "no": N_("no"), "unknown": N_("not known")},
    "police_flagged_hate": {"yes": N_("yes"), "no": N_("no"), "unknown": N_("not known")},
    "target_type": {
        "individual": N_("one person"), "several_individuals": N_("several people"),
        "private_property": N_("private property"), "business": N_("a business"),
        "community_property": N_("community property"),
        "place_of_worship": N_("place of worship"),
        "asylum_accommodation": N_("asylum or reception accommodation"),
        "organisation": N_("an organisation"), "public_official": N_("a public official"),
        "hrd_activist": N_("a human rights defender or activist")},
    "victim_groups": {
        "migrant": N_("migrant"), "refugee_asylum_seeker": N_("refugee or asylum seeker"),
        "black": N_("Black"), "muslim": N_("Muslim"), "roma": N_("Roma"),
        "jewish": N_("Jewish"), "other_ethnic": N_("another ethnic group"),
        "other": N_("other")},
    "victim_gender": {"female": N_("female"), "male": N_("male"),
                      "another": N_("another gender"), "unknown": N_("not known")},
    "victim_age_band": {"under_18": N_("under 18"), "18_29": N_("18 to 29"),
                        "30_64": N_("30 to 64"), "65_plus": N_("65 or older"),
                        "unknown": N_("not known")},
    "perpetrator_type": {
        "unknown_individual": N_("a stranger"), "known_individual": N_("someone known"),
        "neighbour": N_("a neighbour"), "group_of_individuals": N_("a group of people"),
        "organised_hate_group": N_("an organised hate group"),
        "police_law_enforcement": N_("police or law enforcement"),
        "other_public_official": N_("another public official"),
        "private_security": N_("private security"),
        "politician_public_figure": N_("a politician or public figure"),
        "media_outlet": N_("a media outlet"), "online_account": N_("an online account"),
        "other": N_("other")},
    "perpetrator_count": {"one": N_("one"), "two_to_five": N_("2 to 5"),
                          "six_plus": N_("6 or more"), "unknown": N_("not known")},
    "reported_to_police": {"yes": N_("yes"), "no": N_("no"), "unknown": N_("not known"),
                           "victim_refused": N_("the victim did not want to")},
    "reasons_not_reported": {
        "distrust_police": N_("distrust of the police"),
        "fear_immigration_consequences": N_("fear of consequences for their stay"),
        "fear_retaliation": N_("fear of retaliation"),
        "language_barrier": N_("language barrier"),
        "not_serious_enough": N_("did not seem serious enough"),
        "did_not_know_how": N_("did not know how"), "other": N_("other")},
    "justice_outcome": {"none": N_("nothing"), "investigation": N_("investigation"),
                        "prosecution": N_("prosecution"), "conviction": N_("conviction"),
                        "acquittal": N_("acquittal"), "unknown": N_("not known")},
    "source_type": {"victim": N_("the victim"), "witness": N_("a witness"),
                    "third_party_support": N_("a support worker or another organisation"),
                    "media": N_("the media"), "police": N_("the police"),
                    "social_media": N_("social media"), "other": N_("other")},
}

#: Buttons, statuses and notices.
UI = {
    "title": N_("Record an incident"),
    "intro": N_("The record belongs to your organisation. It is not public: a moderator "
                "checks it first, and then only a coarse summary (month, region, categories) "
                "can ever be published."),
    "find": N_("Find"), "save": N_("Save draft"), "submit": N_("Submit"),
    "drafts": N_("Your organisation's drafts"), "no_drafts": N_("No saved drafts."),
    "resume": N_("Resume"), "saved": N_("Draft saved at {time}."),
    "resumed": N_("Draft resumed: carry on where it was left."),
    "fix": N_("Please correct the fields marked below; everything you typed is kept."),
    "submitted": N_("Submitted. Record {public_id} is now with your organisation's "
                    "records, status submitted (not public)."),
    "again": N_("Already submitted: record {public_id} (nothing was stored twice)."),
    "new": N_("Record another incident"),
    "found": N_("Found {name}: the town is marked on the map."),
    "not_found": N_("Not in the offline list of towns: click the place on the map, or "
                    "choose 'only the country'."),
    "point": N_("Point chosen: {lat}, {lon}"), "no_point": N_("No point chosen yet."),
    "choose_country": N_("Choose the country first."),
    "how_to_fix": N_("How to fix:"),
    "login": N_("Please log in to record an incident."),
    "log_in": N_("Log in"),
    "forbidden": N_("Your account cannot record incidents: ask an admin for a reporter "
                    "account."),
    "no_org": N_("Your account belongs to no organisation; ask an admin to add it to one."),
    "primary_hint": N_("choose after ticking"),
    "refused": N_("Refused: your session has expired or the request came from another "
                  "site. Reload the page."),
    "too_long": N_("Not saved: “{field}” is too long ({length} characters, at most "
                   "{limit}). Shorten it and try again; everything you typed is still in the "
                   "form, and the draft saved before is kept."),
    "too_many": N_("Not saved: “{field}” has too many choices ticked ({length}, at most "
                   "{limit}). Untick some and try again; the draft saved before is kept."),
    "too_large": N_("Not saved: the form is too large as a whole ({length} bytes, at most "
                    "{limit}). Shorten the longest texts and try again; the draft saved before "
                    "is kept."),
    "place_too_long": N_("The place name is too long to look up (at most {limit} "
                         "characters)."),
}

#: Messages of the form's problem codes (ingest.form.MESSAGES), marked here for the
#: catalogues; shown translated, with ingest's hint.
PROBLEM_MESSAGES = (
    N_("This is needed."), N_("Fill it in or pick one of the choices."),
    N_("This is not one of the choices."), N_("Pick one of the choices."),
    N_("Say which one is the main one."), N_("Pick the main one in the list."),
    N_("The date typed does not match how precisely you know it."),
    N_("Type a day as 2024-03-05, a month as 2024-03, a year as 2024, or change the choice "
       "of precision."),
    N_("Say where it happened."),
    N_("Search for the place or click the map, or choose 'only the country'."),
    N_("Give a whole number from 1 to 10,000."), N_("Leave it empty if unknown."),
    N_("The incident can be recorded only with consent."),
    N_("Tick the box once the person agreed, or do not record it."),
    N_("This text is too long."), N_("Shorten it."),
    N_("Say when it happened."), N_("This date cannot be read."),
    N_("This date does not exist."), N_("This date is after today."),
    N_("This date is too long ago."), N_("This date is ambiguous."),
    N_("Choose the country."), N_("This country is not known."),
    N_("Only the 27 EU member states are mapped."), N_("The point is not valid."),
    N_("The place is not in the chosen country."),
    N_("This place is not in the offline list of towns."),
    N_("Click the place on the map instead, or choose 'only the country'."),
    N_("This code is not in the taxonomy."), N_("Choose at least one bias motivation."),
    N_("Choose at least one incident type."),
    N_("Describe what happened, in the words of the person who told you if possible."),
)
