"""The identity vault: encrypted details and files of the people involved in an incident.

Names, contact details, identity numbers and attachments of victims, witnesses and
reporters never enter the incident table (DOMAIN §8.3 rule 8). Each value is stored as a
Fernet token (AES-128-CBC with an HMAC-SHA256 tag) under the vault key from the settings, so
the database alone reveals nothing, and a lost key makes the vault unreadable while the
incidents stay usable. Who may read or add is decided by the record's consents and the
reader's role (:func:`data.privacy.consent.personal_access`); every read is written to the access
log by the caller that shows it.

Nothing here puts a personal value into an exception message or a log line: errors name the
field and the rule, never the value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import unicodedata
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Engine, delete, insert, select, update

from data.people.accounts import User
from data.privacy.consent import WITHHELD, Consents, personal_access
from data.settings import Settings
from data.store.kept_secrets import kept_secret
from data.store.schema import incidents, vault_files, vault_people
from data.store.vault_schema import PERSON_ROLES

#: A person's details and the longest value each may have.
PERSON_FIELDS = {"name": 200, "email": 254, "phone": 40, "address": 500,
                 "other_contact": 200, "id_number": 64, "notes": 2000}
#: Largest attachment accepted, in bytes.
MAX_FILE_BYTES = 10 * 1024 * 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class VaultError(ValueError):
    """A vault request that cannot be done; the message says why, never with a value."""


class VaultLocked(VaultError):
    """The configured keys do not open an entry (wrong or lost ``INCIDENTMAP_VAULT_KEY``)."""


@dataclass(frozen=True)
class Person:
    """One person's entry; ``details`` is None when the key does not open it."""

    id: int
    incident_id: int
    role: str
    details: dict | None
    created_at: dt.datetime


@dataclass(frozen=True)
class StoredFile:
    """An attachment's description; ``name`` is None when the key does not open it."""

    id: int
    incident_id: int
    person_id: int | None
    name: str | None
    content_type: str | None
    size: int
    created_at: dt.datetime


def vault_keys(settings: Settings) -> str:
    """The vault's keys (comma list): the configured ones, else one kept in the instance folder.

    Parameters
    ----------
    settings : data.settings.Settings

    Returns
    -------
    str
    """
    return settings.vault_key or kept_secret(settings.instance_dir / "vault_key",
                                             lambda: Fernet.generate_key().decode("ascii"))


class Vault:
    """Encrypts and decrypts vault values with one or more Fernet keys.

    Parameters
    ----------
    keys : str
        Comma list of URL-safe base64 Fernet keys: the first encrypts, all decrypt.
    """

    def __init__(self, keys: str):
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise VaultError("no vault key: set INCIDENTMAP_VAULT_KEY")
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in parts])
        except (ValueError, UnicodeEncodeError) as exc:
            raise VaultError("INCIDENTMAP_VAULT_KEY holds a key that is not a Fernet key "
                             "(32 url-safe base64-encoded bytes; make one with "
                             "`incidentmap vault new-key`)") from exc
        self._lookup_key = hmac.new(parts[0].encode("ascii"), b"incidentmap vault lookup",
                                    hashlib.sha256).digest()

    @classmethod
    def from_settings(cls, settings: Settings) -> Vault:
        """The vault of ``settings``: its keys, else a key kept in the instance folder."""
        return cls(vault_keys(settings))

    def seal(self, value: dict | bytes) -> bytes:
        """Encrypt a JSON-able dict or raw bytes with the first key."""
        raw = value if isinstance(value, bytes) else json.dumps(
            value, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return self._fernet.encrypt(raw)

    def open(self, token: bytes, as_json: bool = True):
        """Decrypt a token sealed by :meth:`seal` with any of the keys.

        Raises
        ------
        VaultLocked
            None of the keys opens it.
        """
        try:
            raw = self._fernet.decrypt(bytes(token))
        except InvalidToken as exc:
            raise VaultLocked("the vault key does not open this entry: check "
                              "INCIDENTMAP_VAULT_KEY (a lost key cannot be recovered)") from exc
        return json.loads(raw) if as_json else raw

    def rotate(self, token: bytes) -> bytes:
        """The token re-encrypted with the first key."""
        try:
            return self._fernet.rotate(bytes(token))
        except InvalidToken as exc:
            raise VaultLocked("a vault entry opens with none of the keys; add the old key "
                              "to INCIDENTMAP_VAULT_KEY before rotating") from exc

    def lookup(self, details: dict) -> list[str]:
        """Keyed hashes of a person's name, e-mail, phone and id number, for subject access.

        Equal values after normalising (case, accents, spaces, phone punctuation) give equal
        hashes; the hashes reveal nothing without the key.
        """
        out = []
        for name in ("name", "email", "phone", "id_number"):
            value = normalised(name, details.get(name) or "")
            if value:
                digest = hmac.new(self._lookup_key, f"{name}:{value}".encode(),
                                  hashlib.sha256).hexdigest()
                out.append(digest[:32])
        return out


def normalised(field: str, value: str) -> str:
    """The form of a value that lookups compare (empty when nothing usable is left)."""
    text = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    if field == "phone":
        digits = re.sub(r"\D", "", text)
        return digits[-9:] if len(digits) >= 6 else ""  # the last 9: with or without +CC
    if field in ("name", "id_number"):
        text = " ".join(text.replace("-", " ").split())
        return text if field == "name" else text.replace(" ", "")
    return text


def check_details(details: dict) -> dict:
    """The person's details, trimmed and checked.

    Raises
    ------
    VaultError
        A field is unknown or too long, the e-mail is malformed, or nothing was given;
        the message names the field, never the value.
    """
    out = {}
    for name, value in details.items():
        if name not in PERSON_FIELDS:
            raise VaultError(f"unknown field {name!r}; fields: {', '.join(PERSON_FIELDS)}")
        text = str(value or "").strip()
        if len(text) > PERSON_FIELDS[name]:
            raise VaultError(f"{name} is longer than {PERSON_FIELDS[name]} characters")
        if text:
            out[name] = text
    if "email" in out and not _EMAIL.match(out["email"]):
        raise VaultError("email does not look like an e-mail address (name@example.org)")
    if not out:
        raise VaultError("give at least one detail (a name, a contact or a note)")
    return out


def _record(conn, incident_id: int):
    row = conn.execute(select(incidents.c.id, incidents.c.organisation_id, incidents.c.policy,
                              *(incidents.c[c] for c in Consents().as_columns()))
                       .where(incidents.c.id == int(incident_id))).first()
    if row is None:
        raise VaultError("no such record")
    return row


def check_access(conn, user: User, incident_id: int):
    """The record's row when ``user`` may read and add its personal data.

    Raises
    ------
    VaultError
        No such record, or the consents and role do not allow it (the reason says which).
    """
    row = _record(conn, incident_id)
    withheld = personal_access(user.role, user.organisation_id, row.organisation_id,
                               Consents.of(row))
    if withheld is not None:
        # another organisation's record looks like a missing one to a reporter
        raise VaultError("no such record" if withheld == "other_organisation"
                         else WITHHELD[withheld])
    return row


def add_person(engine: Engine, vault: Vault, user: User, incident_id: int, role: str,
               details: dict) -> int:
    """Store a person's details for a record; returns the entry's id.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    vault : Vault
    user : User
        Who adds them (their organisation's records, or moderators as the consents allow).
    incident_id : int
    role : str
        One of :data:`data.store.vault_schema.PERSON_ROLES`.
    details : dict
        Keys of :data:`PERSON_FIELDS`.

    Raises
    ------
    VaultError
    """
    if role not in PERSON_ROLES:
        raise VaultError(f"role must be one of {', '.join(PERSON_ROLES)}")
    clean = check_details(details)
    with engine.begin() as conn:
        check_access(conn, user, incident_id)
        return int(conn.execute(insert(vault_people).values(
            incident_id=int(incident_id), person_role=role, payload=vault.seal(clean),
            lookup=vault.lookup(clean), created_at=dt.datetime.now(dt.UTC),
            created_by=user.id)).inserted_primary_key[0])


def add_file(engine: Engine, vault: Vault, user: User, incident_id: int, name: str,
             content_type: str, content: bytes, person_id: int | None = None,
             max_bytes: int = MAX_FILE_BYTES) -> int:
    """Store an attachment of a record (at most ``max_bytes``); returns its id.

    The web upload passes ``INCIDENTMAP_MAX_UPLOAD_MB``; the default is
    :data:`MAX_FILE_BYTES`.

    Raises
    ------
    VaultError
        Empty or too large, the person is not of this record, or access is not allowed.
    """
    if not content:
        raise VaultError("the file is empty")
    if len(content) > max_bytes:
        raise VaultError(f"the file is larger than {max_bytes / (1024 * 1024):g} MB")
    meta = {"name": (name or "attachment")[-200:], "type": (content_type or "")[:100]}
    with engine.begin() as conn:
        check_access(conn, user, incident_id)
        if person_id is not None and conn.execute(select(vault_people.c.id).where(
                vault_people.c.id == int(person_id),
                vault_people.c.incident_id == int(incident_id))).first() is None:
            raise VaultError("that person is not recorded for this record")
        return int(conn.execute(insert(vault_files).values(
            incident_id=int(incident_id), person_id=person_id, meta=vault.seal(meta),
            payload=vault.seal(bytes(content)), size=len(content),
            created_at=dt.datetime.now(dt.UTC), created_by=user.id)).inserted_primary_key[0])


def _opened(vault: Vault, token: bytes):
    try:
        return vault.open(token)
    except VaultLocked:
        return None


def people(engine: Engine, vault: Vault, user: User, incident_id: int) -> list[Person]:
    """The people recorded for a record, oldest first (the caller logs the read).

    Raises
    ------
    VaultError
        When the user may not read them.
    """
    with engine.connect() as conn:
        check_access(conn, user, incident_id)
        rows = conn.execute(select(vault_people).where(
            vault_people.c.incident_id == int(incident_id)).order_by(vault_people.c.id)).all()
    return [Person(int(r.id), int(r.incident_id), r.person_role, _opened(vault, r.payload),
                   r.created_at) for r in rows]


def _described(vault: Vault, row) -> StoredFile:
    meta = _opened(vault, row.meta) or {}
    return StoredFile(int(row.id), int(row.incident_id), row.person_id, meta.get("name"),
                      meta.get("type"), int(row.size), row.created_at)


def files(engine: Engine, vault: Vault, user: User, incident_id: int) -> list[StoredFile]:
    """The attachments of a record, oldest first (names decrypted; not the content)."""
    columns = [c for c in vault_files.c if c.name != "payload"]
    with engine.connect() as conn:
        check_access(conn, user, incident_id)
        rows = conn.execute(select(*columns).where(
            vault_files.c.incident_id == int(incident_id)).order_by(vault_files.c.id)).all()
    return [_described(vault, r) for r in rows]


def read_file(engine: Engine, vault: Vault, user: User, incident_id: int,
              file_id: int) -> tuple[StoredFile, bytes]:
    """One attachment and its content.

    Raises
    ------
    VaultError
        No such file on this record, no access, or the key does not open it.
    """
    with engine.connect() as conn:
        check_access(conn, user, incident_id)
        row = conn.execute(select(vault_files).where(
            vault_files.c.id == int(file_id),
            vault_files.c.incident_id == int(incident_id))).first()
    if row is None:
        raise VaultError("no such file on this record")
    return _described(vault, row), vault.open(row.payload, as_json=False)


def find_people(engine: Engine, vault: Vault, query: dict) -> list[tuple[int, int]]:
    """Entries whose name, e-mail, phone or id number equals one given (subject access).

    Returns
    -------
    list of (person id, incident id)
        Matching entries, in id order. The caller checks who may search.
    """
    wanted = set(vault.lookup({k: v for k, v in query.items() if k in PERSON_FIELDS}))
    if not wanted:
        raise VaultError("give a name, an e-mail address, a phone number or an id number")
    with engine.connect() as conn:
        rows = conn.execute(select(vault_people.c.id, vault_people.c.incident_id,
                                   vault_people.c.lookup).order_by(vault_people.c.id)).all()
    return [(int(r.id), int(r.incident_id)) for r in rows if wanted & set(r.lookup or ())]


def rotate_keys(engine: Engine, vault: Vault) -> int:
    """Re-encrypt every vault value with the first key and renew the lookups.

    Run after putting a new key first in ``INCIDENTMAP_VAULT_KEY`` (the old ones after it);
    then the old keys can be removed. All or nothing: one entry that no key opens stops it.

    Returns
    -------
    int
        Entries and files re-encrypted.
    """
    done = 0
    with engine.begin() as conn:
        for row in conn.execute(select(vault_people.c.id, vault_people.c.payload)).all():
            token = vault.rotate(row.payload)
            conn.execute(update(vault_people).where(vault_people.c.id == row.id).values(
                payload=token, lookup=vault.lookup(vault.open(token))))
            done += 1
        for row in conn.execute(select(vault_files.c.id, vault_files.c.meta,
                                       vault_files.c.payload)).all():
            conn.execute(update(vault_files).where(vault_files.c.id == row.id).values(
                meta=vault.rotate(row.meta), payload=vault.rotate(row.payload)))
            done += 1
    return done


def delete_people(conn, incident_id: int, person_id: int | None = None) -> int:
    """Delete a record's vault entries (one person's, or all) and their files.

    Inside the caller's transaction (erasure and retention log it there). Returns how many
    people and files were deleted.
    """
    people_where = [vault_people.c.incident_id == int(incident_id)]
    files_where = [vault_files.c.incident_id == int(incident_id)]
    if person_id is not None:
        people_where.append(vault_people.c.id == int(person_id))
        files_where.append(vault_files.c.person_id == int(person_id))
    gone = conn.execute(delete(vault_files).where(*files_where)).rowcount
    return gone + conn.execute(delete(vault_people).where(*people_where)).rowcount
