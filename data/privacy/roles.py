"""Who may do what: the one table of roles and their permissions (DESIGN §5).

Every check in the product asks :func:`can` ("may this user do this, to this record?"); the
few places that hold a role name rather than a user (the header's role links, the roles stored
in the audit log, the consent rules, the role given on the command line, the users table's
check constraints) ask :func:`roles_that_can`. No other module names a role:
``tests/data/privacy/test_roles.py`` fails when one does, and checks that the table in
``docs/roles.md`` is this one.

Organisation scope
------------------
A role without ``every_organisation`` acts only on its own organisation's records: asked with
a ``record``, :func:`can` also needs the record's ``organisation_id`` to be the user's. With
``every_organisation`` (moderators, admins) the record's organisation does not matter. The
consents of a record narrow reading its personal data further
(:func:`data.privacy.consent.personal_access`).
"""

from __future__ import annotations

from collections.abc import Mapping

#: The role of a caller without an account (``user`` None).
PUBLIC = "public"
#: Every role, least to most privileged.
ROLES = (PUBLIC, "researcher", "reporter", "moderator", "admin")
#: The roles an account can have, least to most privileged (the public needs no account).
ACCOUNT_ROLES = ROLES[1:]

#: Every action a role may be allowed, with what it means (the rows of docs/roles.md).
ACTIONS = {
    "read_researcher_rows": "read published member records row by row with their NUTS "
                            "regions (the researcher projection; every answer is logged)",
    "record": "record incidents for their organisation (the report form and its drafts)",
    "read_records": "read records in any status, not only published ones (personal data: "
                    "see `read_personal_data`)",
    "every_organisation": "act on every organisation's records (network-wide), not only "
                          "on their own organisation's",
    "edit_records": "edit a record's fields (without `moderate`: only while it is "
                    "submitted)",
    "read_personal_data": "read and add a record's personal data (its account, the identity "
                          "vault) where the record's consents allow",
    "change_consents": "change a record's consents",
    "moderate": "decide on records (verify, publish, reject, mark duplicates), review "
                "public summaries, edit records in any status",
    "erase": "erase a person's details or anonymise a record on request",
    "subject_access": "answer subject-access requests",
    "administer": "manage organisations and accounts, read the record-access log",
    "use_api_token": "make personal API tokens that read `/api/v1` in their projection from "
                     "scripts (read only; not for roles that read personal data: a token "
                     "skips the second factor)",
    "needs_organisation": "must belong to an organisation",
}

#: role -> the actions of :data:`ACTIONS` it may do (DESIGN §5's role table).
PERMISSIONS: dict[str, frozenset[str]] = {
    PUBLIC: frozenset(),
    "researcher": frozenset({"read_researcher_rows", "use_api_token"}),
    "reporter": frozenset({"record", "read_records", "edit_records", "read_personal_data",
                           "change_consents", "needs_organisation"}),
    "moderator": frozenset({"read_researcher_rows", "record", "read_records",
                            "every_organisation", "edit_records", "read_personal_data",
                            "change_consents", "moderate", "erase", "subject_access"}),
    "admin": frozenset({"read_researcher_rows", "record", "read_records",
                        "every_organisation", "edit_records", "read_personal_data",
                        "change_consents", "moderate", "erase", "subject_access",
                        "administer"}),
}


def _known(action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: choose one of {', '.join(ACTIONS)}")
    return action


def _organisation_of(record) -> int | None:
    if isinstance(record, Mapping):
        return record.get("organisation_id")
    return record.organisation_id


def can(user, action: str, record=None) -> bool:
    """Whether ``user`` may do ``action`` (to ``record``, when given).

    Parameters
    ----------
    user : data.people.accounts.User or None
        Anything with ``role`` and ``organisation_id``; None for a caller without an account.
    action : str
        A key of :data:`ACTIONS`.
    record : mapping or row, optional
        The record acted on (needs ``organisation_id``): a role without
        ``every_organisation`` may act only on its own organisation's records.

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        ``action`` is not in :data:`ACTIONS` (a typo must not read as "nobody may").
    """
    allowed = PERMISSIONS.get(PUBLIC if user is None else user.role, frozenset())
    if _known(action) not in allowed:
        return False
    if record is None or "every_organisation" in allowed:
        return True
    return user.organisation_id is not None and _organisation_of(record) == user.organisation_id


#: The action that makes a role log in with a second factor: whoever can read personal data.
SECOND_FACTOR_ACTION = "read_personal_data"


def needs_second_factor(role: str | None, own_organisation_exempt: bool = False) -> bool:
    """Whether accounts of ``role`` must log in with a one-time code (TOTP) as well.

    Every role allowed :data:`SECOND_FACTOR_ACTION` needs one: a password alone must not
    open anybody's personal data. The setting ``INCIDENTMAP_REPORTER_TWO_FACTOR`` off exempts
    the roles that read personal data of their own organisation only (no
    ``every_organisation``): reporters. Then their password alone opens their organisation's
    victims' and witnesses' data.

    Parameters
    ----------
    role : str or None
        A role of :data:`ROLES` (None: the public).
    own_organisation_exempt : bool, optional
        True when the setting exempts roles scoped to their own organisation.

    Returns
    -------
    bool
    """
    allowed = PERMISSIONS.get(role or PUBLIC, frozenset())
    if SECOND_FACTOR_ACTION not in allowed:
        return False
    return not own_organisation_exempt or "every_organisation" in allowed


def roles_that_can(action: str) -> tuple[str, ...]:
    """The roles allowed ``action``, least privileged first (in :data:`ROLES` order).

    Parameters
    ----------
    action : str
        A key of :data:`ACTIONS`.

    Returns
    -------
    tuple of str
    """
    return tuple(role for role in ROLES if _known(action) in PERMISSIONS[role])
