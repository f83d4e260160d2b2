"""One SMTP connection for a run of the sender, and what goes wrong with it in French.

No store here: `SmtpConnection.send` answers whether the server took a message, `Refused`
(now or for good) with the server's words, or raises `StopRun` when the run cannot go on (the
server unreachable, the login, the certificate or the sender refused)."""

from __future__ import annotations

import asyncio
import socket
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packweb_tui.services.mail import OutgoingMail
from packweb_tui.services.outbox.settings import SmtpSettings

if TYPE_CHECKING:
    import aiosmtplib

# A connection lost in a run is opened again after these pauses (a server restarting).
RECONNECT_DELAYS = (0.0, 0.5, 2.0)


class StopRun(Exception):
    """The run cannot go on: `reason` says why, in French."""

    def __init__(self, reason: str, *, reachable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reachable = reachable  # False: server unreachable, the rest waits its next try


@dataclass(frozen=True, slots=True)
class Refused:
    """The server did not take a message: `permanent` (5xx) or to be tried again later."""

    reason: str  # French, with the server's words when it answered
    permanent: bool


class SmtpConnection:
    """One SMTP connection for the run, opened at the first message, opened again when the
    server drops it."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: aiosmtplib.SMTP | None = None

    async def send(self, mail: OutgoingMail) -> Refused | None:
        """None once the server has accepted `mail`; Refused with its words when it does not
        take it (now or for good). StopRun when the run cannot go on."""
        from aiosmtplib import SMTPException, SMTPResponseException

        for retry in (False, True):
            smtp = await self._open()
            stage = "MAIL"
            try:
                size = [f"SIZE={len(mail.data)}"] if smtp.supports_extension("size") else []
                await smtp.mail(mail.sender, options=size)
                stage = "RCPT"
                await smtp.rcpt(mail.recipient)
                stage = "DATA"
                await smtp.data(mail.data)
                return None
            except SMTPResponseException as error:
                words = server_words(error.code, error.message)
                if error.code == 421:  # the server closes the connection
                    await self.close()
                    if stage != "DATA" and not retry:
                        continue
                    return Refused(f"serveur indisponible : {words}", False)
                await self._reset()
                if stage == "MAIL" and error.code >= 500 and error.code != 552:
                    raise StopRun(
                        f"adresse d'expédition {mail.sender} refusée par le serveur "
                        f"{self.settings.where} : {words}",
                        reachable=True,
                    ) from None
                return Refused(f"refusé par le serveur : {words}", error.code >= 500)
            except (SMTPException, OSError, TimeoutError) as error:
                await self.close()
                # Lost before the message was handed over: the same message again at once.
                # Lost during DATA, the server may have taken it: a later try, same Message-ID.
                if stage != "DATA" and not retry:
                    continue
                return Refused(f"connexion perdue pendant l'envoi : {network_words(error)}", False)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _open(self) -> aiosmtplib.SMTP:
        if self._smtp is not None and self._smtp.is_connected:
            return self._smtp
        error: BaseException | None = None
        for delay in RECONNECT_DELAYS:
            await asyncio.sleep(delay)
            try:
                self._smtp = await self._connect()
                return self._smtp
            except StopRun:
                raise
            except Exception as failure:
                error = failure
        raise StopRun(
            f"serveur de messagerie {self.settings.where} injoignable : {network_words(error)}",
            reachable=False,
        )

    async def _connect(self) -> aiosmtplib.SMTP:
        from aiosmtplib import (
            SMTP,
            SMTPAuthenticationError,
            SMTPConnectError,
            SMTPException,
            SMTPHeloError,
            SMTPResponseException,
            SMTPServerDisconnected,
            SMTPTimeoutError,
        )

        s = self.settings
        tls_context = None
        if s.security != "none":
            tls_context = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
        smtp = SMTP(
            hostname=s.host,
            port=s.port,
            username=s.username,
            password=s.password,
            use_tls=s.security == "tls",
            start_tls=s.security == "starttls",
            tls_context=tls_context,
            timeout=s.timeout,
            local_hostname=await _local_hostname(),
        )
        try:
            await smtp.connect()
        except SMTPAuthenticationError as error:
            raise StopRun(
                f"identifiant ou mot de passe SMTP refusé par {s.where} "
                f"({s.username}) : {server_words(error.code, error.message)}",
                reachable=True,
            ) from None
        except Exception as error:
            if (tls := tls_failure(error)) is not None:
                raise StopRun(
                    f"connexion TLS à {s.where} impossible : {tls}", reachable=True
                ) from None
            if isinstance(error, SMTPResponseException) and error.code in (530, 534, 538):
                raise StopRun(
                    f"authentification refusée par {s.where} : "
                    f"{server_words(error.code, error.message)}",
                    reachable=True,
                ) from None
            network = (SMTPConnectError, SMTPTimeoutError, SMTPServerDisconnected, SMTPHeloError)
            transient = isinstance(error, SMTPResponseException) and error.code < 500
            if (
                isinstance(error, SMTPException)
                and not isinstance(error, network)
                and not transient
            ):
                # STARTTLS or AUTH not offered...: the configuration does not fit the server.
                raise StopRun(
                    f"le serveur {s.where} ne convient pas à la configuration "
                    f"(security = {s.security}{', username' if s.username else ''}) : "
                    f"{unsupported_words(error)}",
                    reachable=True,
                ) from None
            raise
        return smtp

    async def _reset(self) -> None:
        if self._smtp is None:
            return
        try:
            await self._smtp.rset()
        except Exception:  # a connection that cannot reset is closed, reopened if needed
            await self.close()

    async def close(self) -> None:
        """Say goodbye to the server (QUIT), or drop the connection if it does not answer."""
        smtp, self._smtp = self._smtp, None
        if smtp is None or not smtp.is_connected:
            return
        try:
            await asyncio.wait_for(smtp.quit(), timeout=2)
        except Exception:
            smtp.close()


_hostname: list[str] = []  # this machine's name, once looked up


async def _local_hostname() -> str:
    """This machine's name for EHLO, looked up once (it can be slow where DNS is)."""
    if not _hostname:
        name = await asyncio.to_thread(socket.getfqdn)
        _hostname.append(name if name and name.isascii() and " " not in name else "localhost")
    return _hostname[0]


# --- the French words -----------------------------------------------------------------------------
def server_words(code: int, message: str) -> str:
    """The server's reply on one line: `550 5.1.1 user unknown`."""
    return f"{code} {' '.join(message.split())}".strip()


def unsupported_words(error: BaseException) -> str:
    """What the server does not offer, in French (aiosmtplib says it in English)."""
    words = " ".join(str(error).split())
    if "STARTTLS extension not supported" in words:
        return 'le serveur ne propose pas STARTTLS (essayez security = "tls" ou "none")'
    if "AUTH" in words and "not supported" in words:
        return "le serveur ne propose pas d'authentification (retirez username)"
    return words


def tls_failure(error: BaseException) -> str | None:
    """The TLS failure behind `error` in French (a refused certificate...), None if none."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"certificat refusé ({seen.verify_message})"
        if isinstance(seen, ssl.SSLError):
            return f"erreur TLS ({seen.reason or seen})"
        seen = seen.__cause__ or seen.__context__
    return None


def network_words(error: BaseException | None) -> str:
    """A network failure in a few French words."""
    seen = error
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return "connexion refusée"
        if isinstance(seen, socket.gaierror):
            return "nom de serveur inconnu"
        if isinstance(seen, TimeoutError):
            return "délai dépassé"
        if isinstance(seen, ConnectionResetError | BrokenPipeError):
            return "connexion coupée par le serveur"
        seen = seen.__cause__ or seen.__context__
    from aiosmtplib import SMTPResponseException, SMTPServerDisconnected

    if isinstance(error, SMTPResponseException):
        return server_words(error.code, error.message)
    if isinstance(error, SMTPServerDisconnected):
        return "connexion coupée par le serveur"
    if isinstance(error, ssl.SSLError):
        return f"erreur TLS ({error.reason or error})"
    words = " ".join(str(error).split()) if error is not None else ""
    return words or type(error).__name__
