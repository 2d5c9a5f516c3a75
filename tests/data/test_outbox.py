"""Outgoing e-mail against a real SMTP server (aiosmtpd): plain, STARTTLS, implicit TLS."""

from __future__ import annotations

import logging

import pytest

from data.outbox import MailError, Message, Outbox, SmtpServer
from data.settings import Settings, SettingsError
from tests.mail_server import mail_server

#: aiosmtpd warns when implicit TLS serves AUTH (it only counts STARTTLS as TLS)
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

HELLO = Message("ana@example.org", "Hello", "Grüße aus Köln.\nSecond line.")


def _outbox(server, sender="incidentmap <noreply@example.org>", url=None) -> Outbox:
    outbox = Outbox.from_config(url or server.url, sender)
    outbox.tls = server.client_tls
    return outbox


def test_a_local_relay_gets_a_plain_text_message(tmp_path):
    with mail_server(tmp_path) as server:
        _outbox(server).send(HELLO)
        [mail] = server.wait(1)
    assert mail["From"] == "incidentmap <noreply@example.org>"
    assert mail["To"] == "ana@example.org" and mail["Subject"] == "Hello"
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content().splitlines() == ["Grüße aus Köln.", "Second line."]
    assert mail["Message-ID"].endswith("@example.org>") and mail["Date"]


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_tls_servers_get_the_login_and_the_message(tmp_path, tls):
    with mail_server(tmp_path, tls=tls, user="bot", password="s3cret p@ss") as server:
        url = server.url.replace("s3cret p@ss", "s3cret%20p%40ss")  # %-encoded in the URL
        _outbox(server, url=url).send(HELLO)
        assert server.wait(1)[0]["Subject"] == "Hello"
    assert server.logins == [("bot", True)]


def test_a_wrong_password_is_an_error_naming_the_server_not_the_password(tmp_path):
    with mail_server(tmp_path, tls="starttls", user="bot", password="right") as server:
        outbox = _outbox(server, url=server.url.replace("right", "wrong"))
        outbox.timeout = 2  # smtplib tries LOGIN after PLAIN failed; aiosmtpd lets that hang
        with pytest.raises(MailError, match="127.0.0.1") as caught:
            outbox.send(HELLO)
        assert "wrong" not in str(caught.value) and server.messages == []


def test_a_password_never_crosses_without_tls(tmp_path):
    with mail_server(tmp_path) as server:  # offers no STARTTLS
        outbox = _outbox(server, url=server.url.replace("smtp://", "smtp://bot:pw@"))
        with pytest.raises(MailError, match="STARTTLS"):
            outbox.send(HELLO)
        assert server.messages == []


def test_an_untrusted_certificate_is_refused(tmp_path):
    with mail_server(tmp_path, tls="implicit", user="bot", password="pw") as server:
        outbox = Outbox.from_config(server.url, "noreply@example.org")  # system trust only
        with pytest.raises(MailError, match="certificate"):
            outbox.send(HELLO)
        assert server.messages == []


def test_posted_jobs_send_in_the_background_and_failures_are_only_logged(tmp_path, caplog):
    with mail_server(tmp_path) as server:
        outbox = _outbox(server)
        outbox.post(lambda: None)
        outbox.post(lambda: HELLO)
        assert outbox.flush(10)
        assert [m["Subject"] for m in server.messages] == ["Hello"]
        url = server.url
    with caplog.at_level(logging.ERROR, "incidentmap.outbox"):
        down = Outbox.from_config(url, "noreply@example.org")  # the server has stopped
        down.post(lambda: Message("b@example.org", "Link", "https://x/?token=SECRET"))
        assert down.flush(20)
    assert "not sent" in caplog.text and "SECRET" not in caplog.text


def test_configuration():
    assert not Outbox.from_config("", "").enabled
    assert Outbox.from_config("smtps://u:p@mail.example.org", "a@example.org").server == \
        SmtpServer("smtps", "mail.example.org", 465, "u", "p")
    assert "hunter2" not in repr(SmtpServer.from_url("smtp://u:hunter2@h:587"))
    with pytest.raises(MailError, match="MAIL_FROM"):
        Outbox.from_config("smtp://localhost", "")
    with pytest.raises(MailError, match="e-mail is off"):
        Outbox.from_config("", "").send(HELLO)


@pytest.mark.parametrize(("raw", "message"), [
    ("http://mail.example.org", "not a URL starting smtp://HOST or smtps://HOST"),
    ("smtp://bob:hunter2@mail.example.org:99999", "port of smtp://mail.example.org"),
    ("mail.example.org", "the value is not a URL"),
])
def test_the_smtp_setting_is_checked_without_repeating_a_password(raw, message):
    with pytest.raises(SettingsError, match=message) as caught:
        Settings.from_env({"INCIDENTMAP_SMTP_URL": raw})
    assert "hunter2" not in str(caught.value)
    assert "INCIDENTMAP_SMTP_URL" in str(caught.value)


def test_mail_settings_are_read_and_the_smtp_url_is_never_printed():
    settings = Settings.from_env({"INCIDENTMAP_SMTP_URL": "smtp://u:hunter2@h:587",
                                  "INCIDENTMAP_MAIL_FROM": "a@example.org",
                                  "INCIDENTMAP_BASE_URL": "https://map.example.org"})
    assert settings.smtp_url == "smtp://u:hunter2@h:587" and "hunter2" not in repr(settings)
    assert settings.base_url == "https://map.example.org"
    assert settings.password_reset_minutes == 60
    with pytest.raises(SettingsError, match="INCIDENTMAP_BASE_URL"):
        Settings.from_env({"INCIDENTMAP_BASE_URL": "map.example.org"})
