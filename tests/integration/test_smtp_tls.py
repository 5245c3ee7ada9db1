"""SMTP over TLS, for real: smtps:// (TLS from the first byte) and STARTTLS against
aiosmtpd on 127.0.0.1 with a certificate made here, trusted through SSL_CERT_FILE
as an operator would trust a private CA; an untrusted certificate is refused."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.mail.transport import SmtpTransport
from tests.e2e.conftest import free_port
from tests.e2e.smtp import Inbox


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return context


@pytest.fixture(params=["smtps", "starttls"])
def tls_server(request: pytest.FixtureRequest, certificate: tuple[Path, Path]
               ) -> Iterator[tuple[str, Inbox]]:
    inbox, port = Inbox(), free_port()
    context = server_context(certificate)
    if request.param == "smtps":
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context)
        url = f"smtps://127.0.0.1:{port}"
    else:
        controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context,
                                require_starttls=True)
        url = f"smtp+starttls://127.0.0.1:{port}"
    controller.start()
    try:
        yield url, inbox
    finally:
        controller.stop()


def a_message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@localhost", "b@localhost", "s"
    message.set_content("hello")
    return message


def test_a_message_goes_over_tls_to_a_trusted_server(
        tls_server: tuple[str, Inbox], certificate: tuple[Path, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    url, inbox = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    SmtpTransport(url).send(a_message())
    assert [m["To"] for m in inbox.messages] == ["b@localhost"]


def test_an_untrusted_certificate_is_refused(tls_server: tuple[str, Inbox]) -> None:
    url, inbox = tls_server
    with pytest.raises(ssl.SSLCertVerificationError):
        SmtpTransport(url).send(a_message())
    assert inbox.messages == []
