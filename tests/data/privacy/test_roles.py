"""Roles and what each may do: one table (data/privacy/roles.py), asked everywhere.

- The table follows DESIGN §5 and the questions it answers (organisation scope included).
- No module of the product names a role or compares one with a literal: every check asks
  :func:`data.privacy.roles.can` or :func:`data.privacy.roles.roles_that_can`.
- docs/roles.md shows this table, not an older one.
"""

from __future__ import annotations

import ast
import re

import pytest

from data.privacy.roles import (
    ACCOUNT_ROLES,
    ACTIONS,
    PERMISSIONS,
    PUBLIC,
    ROLES,
    can,
    needs_second_factor,
    roles_that_can,
)
from tests.conftest import ROOT

PRODUCT = ("data", "dashboard", "ingest", "geo")
TABLE = "data/privacy/roles.py"
#: Migrations keep the names they were written with (history, never rewritten).
HISTORY = "data/store/migrations/"
#: Templates and scripts that could compare a role as text.
TEMPLATE_SUFFIXES = {".html", ".jinja", ".j2", ".js", ".sql"}
#: Literals that equal a role name by coincidence: (file, value) -> what they name.
NOT_ROLES = {
    ("data/store/vault_schema.py", "reporter"): "a person's part in a record (vault entries)",
    ("data/privacy/publication.py", "researcher"): "the researcher projection's name",
    ("dashboard/views/admin.py", "admin"): "the Flask blueprint's name",
}
#: A role compared with a literal inside a string: a Jinja template, SQL, a query.
COMPARED = re.compile(r"""\brole\b[\s)]*(?:==|!=|<>|=|\bnot\s+in\b|\bin\b)\s*[(\[]?\s*"""
                      r"""['"](?:""" + "|".join(ACCOUNT_ROLES) + r""")['"]""")
DOCS = ROOT / "docs" / "roles.md"
BEGIN = ("<!-- the table below is data/privacy/roles.py; tests/data/privacy/test_roles.py "
         "checks it -->")
END = "<!-- end of the roles table -->"


class Someone:
    """A user as :func:`can` reads one."""

    def __init__(self, role: str, organisation_id: int | None = None):
        self.role, self.organisation_id = role, organisation_id


def test_roles_are_design_s_roles_in_privilege_order():
    assert ROLES == ("public", "researcher", "reporter", "moderator", "admin")
    assert ROLES[1:] == ACCOUNT_ROLES and ROLES[0] == PUBLIC
    assert set(PERMISSIONS) == set(ROLES)
    for role, allowed in PERMISSIONS.items():
        assert allowed <= set(ACTIONS), role
    assert all(roles_that_can(action) for action in ACTIONS), "an action nobody may do"


@pytest.mark.parametrize("action, roles", [
    ("read_researcher_rows", ("researcher", "moderator", "admin")),
    ("record", ("reporter", "moderator", "admin")),
    ("read_records", ("reporter", "moderator", "admin")),
    ("every_organisation", ("moderator", "admin")),
    ("edit_records", ("reporter", "moderator", "admin")),
    ("read_personal_data", ("reporter", "moderator", "admin")),
    ("change_consents", ("reporter", "moderator", "admin")),
    ("moderate", ("moderator", "admin")),
    ("erase", ("moderator", "admin")),
    ("subject_access", ("moderator", "admin")),
    ("administer", ("admin",)),
    ("needs_organisation", ("reporter",)),
    ("use_api_token", ("researcher",)),
])
def test_each_action_has_the_roles_the_product_always_gave_it(action, roles):
    assert roles_that_can(action) == roles


def test_every_role_reading_personal_data_needs_a_second_factor():
    assert [r for r in ROLES if needs_second_factor(r)] == list(
        roles_that_can("read_personal_data")) == ["reporter", "moderator", "admin"]
    relaxed = [r for r in ROLES if needs_second_factor(r, own_organisation_exempt=True)]
    assert relaxed == ["moderator", "admin"]  # network-wide readers always need it
    assert not needs_second_factor(None) and not needs_second_factor("system")


def test_an_admin_may_do_what_a_moderator_may_and_administer():
    """DESIGN §5: an admin's records and fields are a moderator's."""
    assert PERMISSIONS["admin"] == PERMISSIONS["moderator"] | {"administer"}


def test_without_an_account_nobody_may_do_anything():
    assert not any(can(None, action) for action in ACTIONS)
    assert not can(Someone("system"), "moderate")  # the retention job's log role is no role


def test_a_reporter_acts_on_their_own_organisation_s_records_only():
    reporter, moderator = Someone("reporter", 1), Someone("moderator")
    own, other = {"organisation_id": 1}, {"organisation_id": 2}
    assert can(reporter, "edit_records", own) and not can(reporter, "edit_records", other)
    assert can(reporter, "edit_records") and can(moderator, "edit_records", other)
    assert not can(Someone("reporter", None), "read_records", {"organisation_id": None})
    assert not can(reporter, "moderate", own)

    class Row:  # a SQLAlchemy Row reads its columns as attributes
        organisation_id = 1

    assert can(reporter, "change_consents", Row()) and not can(Someone("researcher", 1),
                                                               "change_consents", Row())


def test_an_unknown_action_is_an_error_not_a_refusal():
    with pytest.raises(ValueError, match="unknown action 'moderat'"):
        can(Someone("admin"), "moderat")
    with pytest.raises(ValueError, match="unknown action"):
        roles_that_can("publish_everything")


def role_names_in(path: str, text: str) -> list[tuple[str, str]]:
    """Where the file at ``path`` (relative to the repository) names a role outside the table.

    Python: every string literal that is a role name, or compares a role with one (a template
    or SQL inside a string). Templates and scripts: every comparison of a role with a literal.

    Returns
    -------
    list of (str, str)
        ``path:line`` and the literal or the comparison found there.
    """
    if not path.endswith(".py"):
        return [(f"{path}:{text.count(chr(10), 0, m.start()) + 1}", m.group(0))
                for m in COMPARED.finditer(text)]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in ACCOUNT_ROLES:
                found.append((f"{path}:{node.lineno}", node.value))
            found += [(f"{path}:{node.lineno}", m.group(0))
                      for m in COMPARED.finditer(node.value)]
    return found


def _product_files():
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if (path.suffix == ".py" or path.suffix in TEMPLATE_SUFFIXES) \
                    and relative != TABLE and not relative.startswith(HISTORY):
                yield relative, path.read_text(encoding="utf-8")
    yield "app.py", (ROOT / "app.py").read_text(encoding="utf-8")


def test_the_scan_finds_a_role_named_outside_the_table():
    assert role_names_in("x.py", 'if user.role in ("moderator", "admin"):\n    pass\n')
    assert role_names_in("x.py", 'ok = user.role != "admin"\n')
    assert role_names_in("x.py", 'T = """{% if user.role == "reporter" %}x{% endif %}"""\n')
    assert role_names_in("x.py", """SQL = "role <> 'reporter' OR organisation_id IS NOT NULL"\n""")
    assert role_names_in("x.html", "<p>\n{% if user.role in ['moderator'] %}") == [
        ("x.html:2", "role in ['moderator'")]
    assert not role_names_in("x.py", 'if can(user, "moderate"):\n    pass\n')
    assert not role_names_in("x.html", "<td>{{ user.role }}</td>")


def test_no_role_is_named_outside_the_table():
    """Every check asks data.privacy.roles; a role tuple or comparison elsewhere fails here."""
    found = [(where, value) for path, text in _product_files()
             for where, value in role_names_in(path, text)]
    new = [f"{where}: {value!r}" for where, value in found
           if (where.split(":")[0], value) not in NOT_ROLES]
    assert not new, ("ask data.privacy.roles (can, roles_that_can) instead of naming a role:\n"
                     + "\n".join(new))
    for (path, value), meaning in NOT_ROLES.items():
        assert (path, value) in {(w.split(":")[0], v) for w, v in found}, \
            f"{path} no longer has {value!r} ({meaning}): remove it from NOT_ROLES"


def roles_table() -> str:
    """The Markdown table docs/roles.md shows: one row per action, one column per role."""
    lines = ["| action | " + " | ".join(ROLES) + " |",
             "|---|" + "---|" * len(ROLES)]
    for action, meaning in ACTIONS.items():
        cells = ("yes" if action in PERMISSIONS[role] else "no" for role in ROLES)
        lines.append(f"| `{action}`: {meaning} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def test_the_docs_show_the_table():
    text = DOCS.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, f"docs/roles.md needs the lines {BEGIN} and {END}"
    shown = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert shown == roles_table(), ("docs/roles.md's table differs from data/privacy/roles.py; "
                                    "put this between its markers:\n" + roles_table())
    assert "docs/roles.md" in (ROOT / "README.md").read_text(encoding="utf-8")
