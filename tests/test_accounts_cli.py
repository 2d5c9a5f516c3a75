"""``incidentmap orgs`` and ``incidentmap users``: accounts from the command line."""

from __future__ import annotations

import re

import pyotp
import pytest

from data.people.account_events import recent_events
from data.people.accounts import get_user, redeem_password_link
from data.people.logins import authenticate
from data.people.two_factor import SecretBox, check_code, start
from data.settings import Settings
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
    assert "one-time-code app (TOTP)" in user.stdout  # reporters read personal data
    listed = run(["users", "list"], env).stdout
    assert "rep@example.org" in listed and "no password yet" in listed
    engine = db.make_engine(env["INCIDENTMAP_DATABASE_URL"])
    redeem_password_link(engine, link.group(1), "correct horse battery staple")
    assert authenticate(engine, "rep@example.org", "correct horse battery staple",
                        "127.0.0.1").user
    box = SecretBox.from_settings(Settings(database_url=env["INCIDENTMAP_DATABASE_URL"],
                                           instance_dir=tmp_path / "instance"))
    user = get_user(engine, email="rep@example.org")
    secret = start(engine, box, user.id).secret
    assert check_code(engine, box, user, pyotp.TOTP(secret).now(), "127.0.0.1").ok
    before = get_user(engine, email="rep@example.org").session_version
    reset = run(["users", "reset-2fa", "REP@example.org"], env)
    assert reset.returncode == 0 and "second factor of rep@example.org reset" in reset.stdout
    after = get_user(engine, email="rep@example.org")
    assert not after.totp_enabled and after.session_version > before
    event = recent_events(engine, user_id=after.id)[0]
    assert (event.event, event.actor, event.detail) == ("second_factor_reset", None,
                                                        "from the command line")
    assert run(["users", "disable", "rep@example.org"], env).returncode == 0
    assert "disabled" in run(["users", "list"], env).stdout


def test_account_commands_explain_mistakes(tmp_path):
    env = {"INCIDENTMAP_DATABASE_URL": f"sqlite:///{tmp_path / 'acc.sqlite'}"}
    assert run(["db", "upgrade"], env).returncode == 0
    no_org = run(["users", "add", "a@example.org", "--role", "reporter"], env)
    assert no_org.returncode == 2 and "--org SLUG" in no_org.stderr
    nobody = run(["users", "reset-2fa", "nobody@example.org"], env)
    assert nobody.returncode == 2 and "no account" in nobody.stderr
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
