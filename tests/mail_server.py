"""A real SMTP server for the tests (aiosmtpd) on a free local port, plain or with TLS.

``with mail_server(folder, tls="starttls", user="bot", password="pw") as server`` starts it;
``server.url`` is what ``INCIDENTMAP_SMTP_URL`` would hold, ``server.client_tls`` an SSL
context that trusts its self-signed certificate, ``server.wait(n)`` the first ``n`` messages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written to ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class MailServer:
    """What a test sees of the running server."""

    url: str
    client_tls: ssl.SSLContext | None = None
    messages: list = field(default_factory=list)
    logins: list = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 Message accepted"

    def wait(self, count: int = 1, timeout: float = 10.0) -> list:
        """The messages once at least ``count`` arrived (fails the test after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"expected {count} message(s), got {len(self.messages)}"
                self.arrived.wait(left)
            return list(self.messages)


@contextlib.contextmanager
def mail_server(folder: Path, *, tls: str = "", user: str = "",
                password: str = "") -> Iterator[MailServer]:
    """Run an SMTP server until the block ends.

    Parameters
    ----------
    folder : pathlib.Path
        Where the certificate is written (with ``tls``).
    tls : {"", "starttls", "implicit"}
        Plain SMTP, STARTTLS required, or TLS from the first byte (``smtps://``).
    user, password : str
        With a user, the server requires this login (over TLS only).
    """
    port = free_port()
    options: dict = {}
    client = None
    if tls:
        cert, key = self_signed(folder)
        server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_tls.load_cert_chain(cert, key)
        client = ssl.create_default_context(cafile=str(cert))
        if tls == "starttls":
            options.update(tls_context=server_tls, require_starttls=True)
        else:
            # the whole connection is TLS; aiosmtpd only counts STARTTLS as TLS for AUTH
            options.update(ssl_context=server_tls, auth_require_tls=False)
    scheme = "smtps" if tls == "implicit" else "smtp"
    credentials = f"{user}:{password}@" if user else ""
    state = MailServer(f"{scheme}://{credentials}{HOST}:{port}", client)
    if user:
        def authenticate(server, session, envelope, mechanism, data):
            ok = data.login == user.encode() and data.password == password.encode()
            state.logins.append((data.login.decode(), ok))
            return AuthResult(success=ok)

        options.update(authenticator=authenticate, auth_required=True)
    controller = Controller(state, hostname=HOST, port=port, **options)
    controller.start()
    try:
        yield state
    finally:
        controller.stop()
