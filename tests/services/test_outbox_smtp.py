"""The SMTP connection of the outbox's sender and its French words, without any database: a
real server (aiosmtpd) that takes, refuses or is not there, and the wording of the errors."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from aiosmtplib import SMTPResponseException, SMTPServerDisconnected

from packweb_tui.services.mail import OutgoingMail, Sender, compose
from packweb_tui.services.outbox import smtp
from packweb_tui.services.outbox.settings import SmtpSettings
from packweb_tui.services.outbox.smtp import (
    Refused,
    SmtpConnection,
    StopRun,
    network_words,
    server_words,
    tls_failure,
    unsupported_words,
)
from tests.smtp_support import Mailbox, SmtpServer, Tls, free_port

SENDER = Sender.parse("Intendance <intendance@lycee.fr>")


@pytest.fixture(autouse=True)
def quick_reconnect(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smtp, "RECONNECT_DELAYS", (0.0, 0.0, 0.0))


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    return Tls.make(tmp_path_factory.mktemp("tls"))


def settings(
    port: int,
    security: str = "none",
    username: str | None = None,
    password: str | None = None,
    ca_file: Path | None = None,
) -> SmtpSettings:
    return SmtpSettings("127.0.0.1", port, security, username, password, SENDER, 10, ca_file)


def mail(to: str = "parent@exemple.fr") -> OutgoingMail:
    return compose(
        sender=SENDER, to=to, subject="Essai", text="Bonjour.", message_id="<1@lycee.fr>"
    )


async def send(settings: SmtpSettings, message: OutgoingMail) -> Refused | None:
    connection = SmtpConnection(settings)
    try:
        return await connection.send(message)
    finally:
        await connection.close()


# --- what the server answers ------------------------------------------------------------------
async def test_a_message_taken_refused_for_good_or_for_now() -> None:
    mailbox = Mailbox(
        refuse={
            "inconnu@exemple.fr": "550 5.1.1 <inconnu>  :  utilisateur inconnu",
            "pleine@exemple.fr": "452 4.2.2 boîte pleine",
        }
    )
    async with SmtpServer(mailbox) as server:
        connection = SmtpConnection(settings(server.port))
        try:
            assert await connection.send(mail("inconnu@exemple.fr")) == Refused(
                "refusé par le serveur : 550 5.1.1 <inconnu> : utilisateur inconnu", True
            )
            assert await connection.send(mail("pleine@exemple.fr")) == Refused(
                "refusé par le serveur : 452 4.2.2 boîte pleine", False
            )
            # The same connection, reset after each refusal, still sends.
            assert await connection.send(mail()) is None
        finally:
            await connection.close()
    assert [r.rcpt_tos for r in mailbox.received] == [["parent@exemple.fr"]]


class RefusingSender(Mailbox):
    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        return "553 5.7.1 expéditeur non autorisé"


async def test_a_refused_sender_stops_the_run() -> None:
    async with SmtpServer(RefusingSender()) as server:
        with pytest.raises(StopRun) as stop:
            await send(settings(server.port), mail())
    assert stop.value.reachable
    assert stop.value.reason == (
        f"adresse d'expédition intendance@lycee.fr refusée par le serveur "
        f"127.0.0.1:{server.port} : 553 5.7.1 expéditeur non autorisé"
    )


async def test_an_unreachable_server() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(StopRun) as stop:
        await send(settings(port), mail())
    assert not stop.value.reachable
    assert stop.value.reason == f"serveur de messagerie 127.0.0.1:{port} injoignable : " + (
        "connexion refusée"
    )


async def test_a_refused_login(tls: Tls) -> None:
    users = {"intendance": "juste"}
    async with SmtpServer(Mailbox(), tls=tls, mode="starttls", users=users) as server:
        with pytest.raises(StopRun) as stop:
            await send(settings(server.port, "starttls", "intendance", "faux", tls.ca_file), mail())
    assert stop.value.reachable
    assert stop.value.reason.startswith(
        f"identifiant ou mot de passe SMTP refusé par 127.0.0.1:{server.port} (intendance) : 535"
    )


async def test_an_unchecked_certificate(tls: Tls) -> None:
    async with SmtpServer(Mailbox(), tls=tls, mode="starttls") as server:
        with pytest.raises(StopRun) as stop:
            await send(settings(server.port, "starttls"), mail())  # no ca_file: not trusted
    assert stop.value.reason.startswith(
        f"connexion TLS à 127.0.0.1:{server.port} impossible : certificat refusé ("
    )


async def test_starttls_asked_of_a_server_without_it() -> None:
    async with SmtpServer(Mailbox()) as server:
        with pytest.raises(StopRun) as stop:
            await send(settings(server.port, "starttls"), mail())
    assert stop.value.reason == (
        f"le serveur 127.0.0.1:{server.port} ne convient pas à la configuration "
        '(security = starttls) : le serveur ne propose pas STARTTLS (essayez security = "tls" '
        'ou "none")'
    )


# --- the words, one by one --------------------------------------------------------------------
def test_server_words_on_one_line() -> None:
    assert server_words(550, "5.1.1 user\n  unknown ") == "550 5.1.1 user unknown"
    assert server_words(421, "") == "421"


def test_network_failures_in_french() -> None:
    assert network_words(ConnectionRefusedError()) == "connexion refusée"
    assert network_words(socket.gaierror()) == "nom de serveur inconnu"
    assert network_words(TimeoutError()) == "délai dépassé"
    assert network_words(BrokenPipeError()) == "connexion coupée par le serveur"
    wrapped = OSError("échec")
    wrapped.__cause__ = ConnectionResetError()
    assert network_words(wrapped) == "connexion coupée par le serveur"
    assert network_words(SMTPServerDisconnected("gone")) == "connexion coupée par le serveur"
    assert network_words(SMTPResponseException(451, "4.3.0  plus tard")) == "451 4.3.0 plus tard"
    assert network_words(RuntimeError("autre\nchose")) == "autre chose"


def test_what_the_server_does_not_offer_in_french() -> None:
    assert unsupported_words(Exception("SMTP STARTTLS extension not supported by server.")) == (
        'le serveur ne propose pas STARTTLS (essayez security = "tls" ou "none")'
    )
    assert unsupported_words(Exception("SMTP AUTH extension not supported by server.")) == (
        "le serveur ne propose pas d'authentification (retirez username)"
    )
    assert unsupported_words(Exception("autre  refus")) == "autre refus"


def test_tls_failures_in_french() -> None:
    refused = ssl.SSLCertVerificationError(1, "certificate verify failed")
    refused.verify_message = "self-signed certificate"
    wrapped = OSError("connexion")
    wrapped.__context__ = refused
    assert tls_failure(wrapped) == "certificat refusé (self-signed certificate)"
    assert tls_failure(ConnectionRefusedError()) is None
