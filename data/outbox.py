"""Outgoing e-mail: plain-text messages sent over SMTP with the standard library.

Today the outbox sends one message at a time: at once (:meth:`Outbox.send`), or on its one
background thread (:meth:`Outbox.post`), so that a web request neither waits for the mail
server nor shows by its timing whether a message was sent at all (the password-reset form,
:mod:`data.people.password_reset`). Posted messages are held in memory only: when the server
cannot be reached the failure is logged (never the message, which may hold a one-time link)
and the message is lost.

This module is the place to grow a queued outbox: a table of messages written in the
caller's transaction, a worker that sends them and retries with back-off, and digests that
gather moderation notifications per person. Callers already say only *what* to send
(a :class:`Message`, or a job that makes one), never how.

The server is a URL (``INCIDENTMAP_SMTP_URL``): ``smtp://user:password@host:587`` sends
with STARTTLS (required as soon as a user is given: a password never crosses the network in
the clear), ``smtps://user:password@host:465`` speaks TLS from the start, and
``smtp://host:25`` without a user sends in plain text, for a relay on the same machine.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

log = logging.getLogger("incidentmap.outbox")

#: Port per scheme when the URL gives none.
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
#: Seconds to wait for the mail server at each step.
TIMEOUT = 10.0


class MailError(Exception):
    """E-mail cannot be sent: a setting is wrong or the server refused (the message says)."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand over mail, read from an ``smtp://`` or ``smtps://`` URL."""

    scheme: str
    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Parse ``url`` (user and password may be %-encoded).

        Raises
        ------
        MailError
            Not an ``smtp://`` or ``smtps://`` URL with a host (the password is never
            repeated in the message).
        """
        parts = urlsplit(url.strip())
        try:
            port = parts.port
        except ValueError as exc:
            raise MailError(f"the port of {parts.scheme}://{parts.hostname} is not a "
                            "number") from exc
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise MailError("the mail server must be a URL such as "
                            "smtp://user:password@host:587 or smtps://host:465")
        return cls(parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme],
                   unquote(parts.username or ""), unquote(parts.password or ""))

    @property
    def starttls(self) -> bool:
        """Whether the plain connection is upgraded with STARTTLS (``smtp://`` with a user)."""
        return self.scheme == "smtp" and bool(self.username)


@dataclass(frozen=True)
class Message:
    """One plain-text e-mail to one person."""

    to: str
    subject: str
    body: str


def compose(sender: str, message: Message) -> EmailMessage:
    """The e-mail of ``message`` from ``sender``, with a date and a message id.

    Parameters
    ----------
    sender : str
        The From address, optionally with a name (``incidentmap <noreply@example.org>``).
    message : Message

    Returns
    -------
    email.message.EmailMessage
        Plain text, UTF-8.
    """
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.body)
    return mail


class Outbox:
    """Sends :class:`Message` objects through one SMTP server (or nowhere, when disabled).

    Parameters
    ----------
    server : SmtpServer or None
        None: e-mail is off (:attr:`enabled` is False and sending is an error).
    sender : str
        The From address.
    tls : ssl.SSLContext, optional
        How the server's certificate is checked (default: the system's trusted authorities
        and the host name).
    timeout : float, optional
        Seconds to wait for the server at each step.
    """

    def __init__(self, server: SmtpServer | None, sender: str = "", *,
                 tls: ssl.SSLContext | None = None, timeout: float = TIMEOUT):
        if server is not None and not parseaddr(sender)[1]:
            raise MailError("give the From address of outgoing e-mail "
                            "(INCIDENTMAP_MAIL_FROM, e.g. noreply@example.org)")
        self.server = server
        self.sender = sender
        self.tls = tls
        self.timeout = timeout
        self._worker: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, url: str, sender: str) -> Outbox:
        """The outbox of the settings ``smtp_url`` and ``mail_from`` (empty URL: disabled).

        Raises
        ------
        MailError
            A malformed URL, or a URL without a From address.
        """
        return cls(SmtpServer.from_url(url) if url else None, sender)

    @property
    def enabled(self) -> bool:
        """Whether a mail server is configured."""
        return self.server is not None

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        context = self.tls or ssl.create_default_context()
        if server.scheme == "smtps":
            return smtplib.SMTP_SSL(server.host, server.port, timeout=self.timeout,
                                    context=context)
        client = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        if server.starttls:
            client.starttls(context=context)
        return client

    def send(self, message: Message) -> None:
        """Hand ``message`` to the mail server now.

        Raises
        ------
        MailError
            E-mail is off, the server cannot be reached, refuses the login or the message.
        """
        if self.server is None:
            raise MailError("e-mail is off: set INCIDENTMAP_SMTP_URL")
        mail = compose(self.sender, message)
        try:
            with self._connect() as client:
                if self.server.username:
                    client.login(self.server.username, self.server.password)
                client.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"the mail server {self.server.host}:{self.server.port} did not "
                            f"take the message: {exc}") from exc

    def post(self, job: Callable[[], Message | None]) -> Future:
        """Run ``job`` on the outbox's background thread and send the message it returns.

        ``job`` may return None (nothing to send). Failures are logged, not raised.

        Returns
        -------
        concurrent.futures.Future
            Done when the message was sent, or given up.
        """
        with self._lock:
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox")
            return self._worker.submit(self._run, job)

    def _run(self, job: Callable[[], Message | None]) -> None:
        try:
            message = job()
            if message is not None:
                self.send(message)
        except Exception:  # the sender learns nothing (see post); the operator reads the log
            log.exception("outgoing e-mail not sent")

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every message posted so far is sent or given up; False on timeout."""
        with self._lock:
            worker = self._worker
        if worker is None:
            return True
        done = threading.Event()
        worker.submit(done.set)  # one thread: this runs after every earlier job
        return done.wait(timeout)
