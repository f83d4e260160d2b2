"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1 (a free port), in the test's own
event loop, plain, with STARTTLS or with implicit TLS (a trustme certificate), with or without
authentication; it keeps every message it accepts and can refuse recipients, answer 4xx, or
crash in the middle of a message and come back."""

from __future__ import annotations

import asyncio
import email
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import trustme
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

_MESSAGE_ID = re.compile(rb"^Message-ID: *(<[^>]+>)", re.I | re.M)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool  # came over TLS (STARTTLS or implicit)
    authenticated: bool

    @property
    def message_id(self) -> str:
        found = _MESSAGE_ID.search(self.data.split(b"\r\n\r\n", 1)[0])
        assert found is not None, "message without Message-ID"
        return found.group(1).decode("ascii")

    def parsed(self) -> EmailMessage:
        return cast(EmailMessage, email.message_from_bytes(self.data, policy=policy.default))


@dataclass
class Mailbox:
    """The server's handler: what it accepted, and how it misbehaves."""

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # recipient → reply ("550 ...")
    # Called at the start of each DATA with the number of messages accepted so far; a true
    # result drops the connection there, before the message is accepted.
    crash: Callable[[int], Awaitable[bool]] | None = None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.crash is not None and await self.crash(len(self.received)):
            return "421 4.3.0 arrêt du serveur"  # never read: the connection is gone
        content = envelope.original_content or b""
        assert isinstance(envelope.mail_from, str)
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                content,
                session.ssl is not None
                or server.transport.get_extra_info("ssl_object") is not None,
                bool(session.authenticated),
            )
        )
        return "250 2.0.0 OK"

    def message_ids(self) -> list[str]:
        return [r.message_id for r in self.received]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Tls:
    """A throwaway authority and the server's certificate for 127.0.0.1 and localhost."""

    ca_file: Path
    server_context: Any  # ssl.SSLContext

    @classmethod
    def make(cls, directory: Path) -> Tls:
        import ssl

        authority = trustme.CA()
        certificate = authority.issue_cert("127.0.0.1", "localhost")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        certificate.configure_cert(context)
        ca_file = directory / "ca.pem"
        authority.cert_pem.write_to_path(str(ca_file))
        return cls(ca_file, context)


class SmtpServer:
    """aiosmtpd listening on 127.0.0.1:`port` in the running loop."""

    def __init__(
        self,
        mailbox: Mailbox,
        *,
        tls: Tls | None = None,
        mode: str = "none",  # none, starttls (required), tls (implicit)
        users: dict[str, str] | None = None,  # login → password: authentication required
    ) -> None:
        self.mailbox = mailbox
        self.tls = tls
        self.mode = mode
        self.users = users
        self.port = free_port()
        self._server: asyncio.AbstractServer | None = None
        self._sessions: list[SMTP] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def _factory(self) -> SMTP:
        assert self.mode == "none" or self.tls is not None
        smtp = SMTP(
            self.mailbox,
            hostname="localhost",
            enable_SMTPUTF8=True,
            tls_context=self.tls.server_context if self.mode == "starttls" and self.tls else None,
            require_starttls=self.mode == "starttls",
            auth_required=self.users is not None,
            # aiosmtpd knows TLS only from STARTTLS: with implicit TLS, AUTH needs no more.
            auth_require_tls=self.mode == "starttls",
            authenticator=self._authenticate if self.users is not None else None,
            loop=asyncio.get_running_loop(),
        )
        self._sessions.append(smtp)
        return smtp

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword) or self.users is None:
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        return AuthResult(success=self.users.get(login) == password, handled=False)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        ssl_context = self.tls.server_context if self.mode == "tls" and self.tls else None
        self._server = await loop.create_server(
            self._factory, "127.0.0.1", self.port, ssl=ssl_context, reuse_address=True
        )

    def crash(self) -> None:
        """Stop listening and drop every connection at once (a crash, not a goodbye)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for session in self._sessions:
            transport = getattr(session, "transport", None)
            if transport is not None:
                transport.abort()
        self._sessions.clear()

    def restart_in(self, seconds: float) -> None:
        async def come_back() -> None:
            await asyncio.sleep(seconds)
            await self.start()

        task = asyncio.get_running_loop().create_task(come_back())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self.crash()
        await asyncio.sleep(0)

    async def __aenter__(self) -> SmtpServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def crash_once(server_box: list[SmtpServer], at: int, back_after: float) -> Any:
    """A `Mailbox.crash` that, once `at` messages have been accepted, drops everything in the
    middle of the next message and starts the server again `back_after` seconds later."""
    done = False

    async def crash(accepted: int) -> bool:
        nonlocal done
        if done or accepted != at:
            return False
        done = True
        server_box[0].crash()
        server_box[0].restart_in(back_after)
        return True

    return crash
