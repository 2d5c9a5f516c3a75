"""The identity vault: encryption at rest, access by role and consent, lookups, key loss."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text, update

from data.people.vault import (
    MAX_FILE_BYTES,
    Vault,
    VaultError,
    VaultLocked,
    add_file,
    add_person,
    check_details,
    files,
    find_people,
    people,
    read_file,
    rotate_keys,
)
from data.privacy.consent import Consents, personal_access
from data.store.schema import incidents, vault_files, vault_people
from tests.data.records.workflow_store import new_record
from tests.protection.protection_store import CANARIES, FILE_CANARY, new_vault


@pytest.fixture
def store(workflow_store):
    return workflow_store


def _set(engine, rid, **values):
    with engine.begin() as conn:
        conn.execute(update(incidents).where(incidents.c.id == rid).values(**values))


def test_details_are_encrypted_at_rest_and_read_back_by_the_organisation(store):
    engine, users = store
    vault = new_vault()
    rid = new_record(engine, users["rep"])
    pid = add_person(engine, vault, users["rep"], rid, "victim", CANARIES)
    fid = add_file(engine, vault, users["rep"], rid, "letter.pdf", "application/pdf",
                   FILE_CANARY, person_id=pid)
    with engine.connect() as conn:
        raw = [bytes(v) for row in conn.execute(select(vault_people.c.payload,
                                                       vault_people.c.lookup)).all()
               for v in (row.payload, str(row.lookup).encode())]
        raw += [bytes(v) for row in conn.execute(select(vault_files.c.meta,
                                                        vault_files.c.payload)).all()
                for v in row]
    for blob in raw:
        for value in (*CANARIES.values(), FILE_CANARY.decode(), "letter.pdf"):
            assert value.encode() not in blob
    [person] = people(engine, vault, users["rep"], rid)
    assert (person.id, person.role, person.details) == (pid, "victim", CANARIES)
    [stored] = files(engine, vault, users["rep"], rid)
    assert (stored.name, stored.content_type, stored.size) == ("letter.pdf",
                                                                "application/pdf", 27)
    assert read_file(engine, vault, users["rep"], rid, fid)[1] == FILE_CANARY


def test_who_reads_the_vault_follows_role_and_consent(store):
    engine, users = store
    vault = new_vault()
    rid = new_record(engine, users["rep"])
    add_person(engine, vault, users["rep"], rid, "witness", {"name": "A witness"})
    assert people(engine, vault, users["mod"], rid)[0].details == {"name": "A witness"}
    for who, message in (("other", "no such record"), ("res", "Only the recording")):
        with pytest.raises(VaultError, match=message):
            people(engine, vault, users[who], rid)
    _set(engine, rid, consent_share_network=False)
    for who in ("mod", "admin"):
        with pytest.raises(VaultError, match="did not agree to share"):
            people(engine, vault, users[who], rid)
        with pytest.raises(VaultError, match="did not agree to share"):
            add_person(engine, vault, users[who], rid, "victim", {"name": "x"})
    assert len(people(engine, vault, users["rep"], rid)) == 1  # the organisation still reads
    _set(engine, rid, consent_record=False)
    with pytest.raises(VaultError, match="count only"):
        add_person(engine, vault, users["rep"], rid, "victim", {"name": "x"})


def test_the_access_rule_table():
    given = Consents(True, True, True, False)
    assert personal_access("reporter", 1, 1, given) is None
    assert personal_access("reporter", 2, 1, given) == "other_organisation"
    assert personal_access("moderator", None, 1, given) is None
    assert personal_access("moderator", None, 1, Consents(True, False)) == "not_shared"
    assert personal_access("moderator", 1, 1, Consents(True, False)) is None  # own org
    assert personal_access("admin", None, 1, Consents(False, True)) == "count_only"
    assert personal_access("researcher", None, 1, given) == "role"
    assert personal_access(None, None, 1, given) == "role"
    assert personal_access("moderator", None, 1, Consents()) is None  # ingested: given


def test_bad_details_are_refused_without_echoing_the_value(store):
    engine, users = store
    rid = new_record(engine, users["rep"])
    secret = "not-an-email-canary"
    with pytest.raises(VaultError) as caught:
        add_person(engine, new_vault(), users["rep"], rid, "victim", {"email": secret})
    assert "email" in str(caught.value) and secret not in str(caught.value)
    with pytest.raises(VaultError, match="longer than 40"):
        check_details({"phone": "1" * 41})
    with pytest.raises(VaultError, match="at least one detail"):
        check_details({"name": "  "})
    with pytest.raises(VaultError, match="role must be"):
        add_person(engine, new_vault(), users["rep"], rid, "perpetrator", {"name": "x"})
    with pytest.raises(VaultError, match="larger than 10 MB"):
        add_file(engine, new_vault(), users["rep"], rid, "big", "", b"x" * (MAX_FILE_BYTES + 1))


def test_lookups_find_a_person_however_the_details_were_typed(store):
    engine, users = store
    vault = new_vault()
    first = new_record(engine, users["rep"])
    second = new_record(engine, users["rep"])
    a = add_person(engine, vault, users["rep"], first, "victim", CANARIES)
    b = add_person(engine, vault, users["rep"], second, "reporter",
                   {"email": CANARIES["email"].upper(), "phone": "0170 998 877 6655"})
    add_person(engine, vault, users["rep"], second, "witness", {"name": "Somebody Else"})
    assert find_people(engine, vault, {"name": "  canaryname   ZYXWVUT"}) == [(a, first)]
    assert find_people(engine, vault, {"email": CANARIES["email"]}) == [(a, first),
                                                                         (b, second)]
    assert find_people(engine, vault, {"phone": "(0)170-9988776655"}) == [(a, first),
                                                                            (b, second)]
    assert find_people(engine, new_vault(), {"email": CANARIES["email"]}) == []  # keyed
    with pytest.raises(VaultError, match="give a name"):
        find_people(engine, vault, {"name": " "})


def test_a_lost_key_locks_the_vault_not_the_incidents(store):
    engine, users = store
    rid = new_record(engine, users["rep"])
    add_person(engine, new_vault(), users["rep"], rid, "victim", CANARIES)
    add_file(engine, new_vault(), users["rep"], rid, "a.txt", "text/plain", FILE_CANARY)
    other = new_vault()  # the old key is gone
    [person] = people(engine, other, users["rep"], rid)
    assert person.details is None
    [stored] = files(engine, other, users["rep"], rid)
    assert stored.name is None
    with pytest.raises(VaultLocked, match="INCIDENTMAP_VAULT_KEY"):
        read_file(engine, other, users["rep"], rid, stored.id)
    with engine.connect() as conn:  # the incident itself is untouched and readable
        assert conn.execute(select(incidents.c.narrative).where(
            incidents.c.id == rid)).scalar()


def test_keys_rotate_and_old_tokens_stay_readable_until_then(store):
    engine, users = store
    old_key, new_key = (Fernet.generate_key().decode() for _ in range(2))
    rid = new_record(engine, users["rep"])
    add_person(engine, Vault(old_key), users["rep"], rid, "victim", CANARIES)
    add_file(engine, Vault(old_key), users["rep"], rid, "a.txt", "", FILE_CANARY)
    both = Vault(f"{new_key},{old_key}")
    assert people(engine, both, users["rep"], rid)[0].details == CANARIES
    assert rotate_keys(engine, both) == 2
    only_new = Vault(new_key)
    assert people(engine, only_new, users["rep"], rid)[0].details == CANARIES
    assert find_people(engine, only_new, {"name": CANARIES["name"]})  # lookups renewed
    with pytest.raises(VaultError, match="not a Fernet key"):
        Vault("not-a-key")


def test_deleting_an_incident_deletes_its_vault(store):
    engine, users = store
    rid = new_record(engine, users["rep"])
    add_person(engine, new_vault(), users["rep"], rid, "victim", CANARIES)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("PRAGMA foreign_keys"))  # on for every connection
        conn.execute(incidents.delete().where(incidents.c.id == rid))
        assert conn.execute(select(vault_people.c.id)).all() == []


def test_a_failed_statement_never_quotes_its_values(store):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    engine, users = store
    with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
        conn.execute(insert(incidents).values(narrative="canary-in-a-failed-insert"))
    assert "canary-in-a-failed-insert" not in str(caught.value)
