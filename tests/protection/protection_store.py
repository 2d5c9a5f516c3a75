"""A workflow store plus a vault, for the data-protection tests."""

from __future__ import annotations

from cryptography.fernet import Fernet

from data.people.vault import Vault

#: Canary values: if one of them ever shows up in an output, a rule was broken.
CANARIES = {
    "name": "Canaryname Zyxwvut", "email": "canary.zyxwvut@example.org",
    "phone": "+49 170 9988776655", "address": "Canarystrasse 77, 04109 Leipzig",
    "other_contact": "@canary_zyxwvut", "id_number": "CANARYID998877",
    "notes": "canary-notes-zyxwvut",
}
FILE_CANARY = b"canary-file-content-zyxwvut"
NARRATIVE_CANARY = "canary-narrative-zyxwvut: two men shouted and hit him."


def new_vault() -> Vault:
    """A vault with a fresh random key."""
    return Vault(Fernet.generate_key().decode("ascii"))
