"""``incidentmap orgs`` and ``incidentmap users``: accounts from the command line."""

from __future__ import annotations

import re

import pytest

from data.people.accounts import redeem_password_link
from data.people.logins import authenticate
from data.store import db
from tests.test_cli import run


def test_orgs_and_users_from_the_command_line(tmp_path):
    env = {"INCIDENTMAP_DATABASE_URL": f"sqlite:///{tmp_path / 'acc.sqlite'}"}
    assert run(["db", "upgrade"], env).returncode == 0
    added = run(["orgs", "add", "ngo-athens", "--name", "An NGO in Athens", "--country", "gr"],
                env)
    assert added.returncode == 0 and "ngo-athens added (GR)" in added.stdout
    assert "ngo-athens" in run(["orgs", "list"], env).stdout
    user = run(["users", "add", "Rep@Example.org", "--role", "reporter", "--org", "ngo-athens",
                "--base-url", "https://map.example.net/"], env)
    assert user.returncode == 0, user.stderr
    link = re.search(r"https://map\.example\.net/account/password\?token=(\S+)", user.stdout)
    assert link, user.stdout
    listed = run(["users", "list"], env).stdout
    assert "rep@example.org" in listed and "no password yet" in listed
    engine = db.make_engine(env["INCIDENTMAP_DATABASE_URL"])
    redeem_password_link(engine, link.group(1), "correct horse battery staple")
    assert authenticate(engine, "rep@example.org", "correct horse battery staple",
                        "127.0.0.1").user
    assert run(["users", "disable", "rep@example.org"], env).returncode == 0
    assert "disabled" in run(["users", "list"], env).stdout


def test_account_commands_explain_mistakes(tmp_path):
    env = {"INCIDENTMAP_DATABASE_URL": f"sqlite:///{tmp_path / 'acc.sqlite'}"}
    assert run(["db", "upgrade"], env).returncode == 0
    no_org = run(["users", "add", "a@example.org", "--role", "reporter"], env)
    assert no_org.returncode == 2 and "--org SLUG" in no_org.stderr
    unknown = run(["users", "link", "nobody@example.org"], env)
    assert unknown.returncode == 2 and "no account" in unknown.stderr
    bad_slug = run(["orgs", "add", "Bad Slug", "--name", "x", "--country", "DE"], env)
    assert bad_slug.returncode == 2 and "slug" in bad_slug.stderr
    assert "Traceback" not in no_org.stderr + unknown.stderr + bad_slug.stderr


def test_every_api_token_of_an_account_can_be_revoked(tmp_path):
    from data.people.accounts import add_user, get_user
    from data.people.api_tokens import TokenRefused, authenticate_token, create_token

    env = {"INCIDENTMAP_DATABASE_URL": f"sqlite:///{tmp_path / 'acc.sqlite'}"}
    assert run(["db", "upgrade"], env).returncode == 0
    engine = db.make_engine(env["INCIDENTMAP_DATABASE_URL"])
    add_user(engine, "res@example.org", "researcher")
    _token, secret = create_token(engine, get_user(engine, email="res@example.org"), "a")
    done = run(["users", "revoke-tokens", "RES@example.org"], env)
    assert done.returncode == 0 and "1 API token(s) of res@example.org revoked" in done.stdout
    with pytest.raises(TokenRefused, match="revoked"):
        authenticate_token(engine, secret)
    unknown = run(["users", "revoke-tokens", "nobody@example.org"], env)
    assert unknown.returncode == 2 and "no account" in unknown.stderr
