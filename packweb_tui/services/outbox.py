"""The outbox sender: every queued email that is due goes to the SMTP server (contracts.md
`[smtp]`), from the console, from `packweb outbox send` and from the daemon every minute.

What it guarantees, on SQLite and PostgreSQL alike:
- Nothing is sent twice, short of SMTP's own limit: each message is marked sent in its own
  transaction, committed as soon as the server has accepted it (a crash between the server's
  "250" and that commit is the one case where a message goes again: it keeps its Message-ID,
  derived from its outbox row, so that the copies can be told apart). One sender at a time:
  a PostgreSQL advisory lock, a lock file beside a SQLite database; a second sender (the
  daemon while the console sends) finds it taken and leaves the messages to the first.
- Nothing is lost: a 4xx reply or a network failure leaves the message queued, tried again
  later (1, 5, 15 minutes, 1, 3, then every 6 hours; after 30 tries it counts as failed); a
  5xx reply marks it failed with the server's words (a letter then goes back to the
  Identifiants pane as *échec*, its password kept for a new try or the édition); a
  configuration problem (authentication refused, certificate refused, sender refused) stops
  the run and changes no message.
- A credentials letter goes once: on acceptance its password is wiped (as
  letters.wipe_password does) and its account's credentials are *envoyé*. A letter
  delivered meanwhile on paper, or voided by a new password, has no password left: its email
  is cancelled, not sent. Messages are read ahead (their PDFs rendered early), so each is
  checked again in the store just before it goes.
- Speed: the letters' PDFs are rendered ahead in worker processes, on every core, while
  earlier messages go out; one SMTP connection serves the whole run (reopened when the server
  drops it)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from packweb_tui.config import Config, SmtpConfig, letters_dir, operator_login
from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.errors import InputError
from packweb_tui.domain.states import CredentialsState, LetterState, OutboxStatus
from packweb_tui.domain.wording import plural
from packweb_tui.services import audit
from packweb_tui.services.errors import os_words
from packweb_tui.services.letters import UNDELIVERED, LetterSource, forget_pdf, letter_sources
from packweb_tui.services.mail import (
    AddressError,
    OutgoingMail,
    Sender,
    compose,
    letter_mail,
    message_id_for,
)
from packweb_tui.services.matching import chunks
from packweb_tui.store.database import Database
from packweb_tui.store.engine import WRITE_OPTION
from packweb_tui.store.models import (
    AccountRequest,
    Letter,
    OutboxMessage,
    PortalAccount,
    PortalSettings,
    table_of,
)
from packweb_tui.store.types import utcnow

if TYPE_CHECKING:
    import aiosmtplib

    from packweb_tui.domain.letters import LetterContent

PASSWORD_ENV = "PACKWEB_SMTP_PASSWORD"
# Minutes before the next try after the 1st, 2nd... failed one; the last one repeats.
DEFERRAL_MINUTES = (1, 5, 15, 60, 180, 360)
MAX_ATTEMPTS = 30  # about a week of tries: then the message counts as failed
# A connection lost in a run is opened again after these pauses (a server restarting).
RECONNECT_DELAYS = (0.0, 0.5, 2.0)
CHUNK = 50  # messages read from the store at once
AHEAD = 3  # chunks read (and their PDFs rendered) ahead of the one being sent
_LOCK_KEY = 72_302  # second key of the PostgreSQL advisory lock (72_301: decisions)

Progress = Callable[[int, int], object]
"""`progress(done, total)`: messages dealt with so far (sent, failed, deferred, cancelled)."""

STATUS_LABELS = {
    OutboxStatus.QUEUED: "en file",
    OutboxStatus.SENT: "envoyé",
    OutboxStatus.FAILED: "échec",
    OutboxStatus.CANCELLED: "annulé",
}


# --- settings -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SmtpSettings:
    """`[smtp]` checked, with its password read (never shown: repr hides it)."""

    host: str
    port: int
    security: str  # starttls, tls, none
    username: str | None
    password: str | None = field(repr=False)
    sender: Sender
    timeout: float
    ca_file: Path | None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_settings(smtp: SmtpConfig, where: str | None = None) -> SmtpSettings:
    """The `[smtp]` section checked and its password read (from `password_file`, else from
    the PACKWEB_SMTP_PASSWORD environment variable). InputError saying what is missing."""
    if not smtp.sender:
        raise InputError(
            "[smtp] sender manquant : l'adresse d'expédition des courriels, par exemple "
            '"Intendance <intendance@lycee.fr>"',
            where,
        )
    try:
        sender = Sender.parse(smtp.sender)
    except AddressError as error:
        raise InputError(f"[smtp] sender : {error}", where) from None
    password: str | None = None
    if smtp.password_file is not None:
        try:
            password = smtp.password_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as error:
            raise InputError(
                f"[smtp] password_file illisible : {os_words(error)}",
                str(smtp.password_file),
            ) from None
    else:
        password = os.environ.get(PASSWORD_ENV) or None
    if smtp.username and not password:
        raise InputError(
            f"[smtp] username sans mot de passe : indiquez password_file ou la variable "
            f"{PASSWORD_ENV}",
            where,
        )
    if smtp.ca_file is not None and not smtp.ca_file.is_file():
        raise InputError("[smtp] ca_file introuvable", str(smtp.ca_file))
    return SmtpSettings(
        smtp.host,
        smtp.port,
        smtp.security,
        smtp.username,
        password if smtp.username else None,
        sender,
        smtp.timeout,
        smtp.ca_file,
    )


# --- the report -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Delivered:
    outbox_id: int
    kind: str
    to: str
    letter_id: int | None
    message_id: str


@dataclass(frozen=True, slots=True)
class Undelivered:
    outbox_id: int
    kind: str
    to: str
    letter_id: int | None
    reason: str  # French, with the server's words when it answered
    next_attempt_at: datetime | None = None  # deferred: when it is tried again


@dataclass
class DeliveryReport:
    """What a run of the sender did."""

    total: int = 0  # messages due when the run began
    sent: list[Delivered] = field(default_factory=list)
    failed: list[Undelivered] = field(default_factory=list)  # refused for good (5xx)
    deferred: list[Undelivered] = field(default_factory=list)  # tried again later
    cancelled: list[Undelivered] = field(default_factory=list)  # not to be sent any more
    error: str | None = None  # why the run stopped early: server unreachable, refused login...
    busy: bool = False  # another sender was at work: it sends them, nothing went wrong

    @property
    def done(self) -> int:
        return len(self.sent) + len(self.failed) + len(self.deferred) + len(self.cancelled)

    def summary(self) -> str:
        """One French line ("" when there was nothing to send and nothing went wrong)."""
        if not self.total:
            return _sentence(self.error) if self.error else ""
        parts = [
            f"{plural(len(self.sent), 'courriel envoyé', 'courriels envoyés')} sur {self.total}"
        ]
        if self.failed:
            parts.append(plural(len(self.failed), "refusé"))
        if self.deferred:
            parts.append(f"{len(self.deferred)} à réessayer plus tard")
        if self.cancelled:
            parts.append(plural(len(self.cancelled), "annulé"))
        if untouched := self.total - self.done:
            parts.append(plural(untouched, "non tenté", "non tentés"))
        line = ", ".join(parts) + "."
        return f"{line} {_sentence(self.error)}" if self.error else line

    def summary_lines(self) -> list[str]:
        """The summary, then a line for each message that did not go, and why."""
        if not self.total and not self.error:
            return ["Aucun courriel à envoyer."]
        lines = [self.summary()]
        for item in self.failed:
            lines.append(f"  échec n° {item.outbox_id} ({item.to}) : {item.reason}")
        for item in self.deferred[:20]:
            when = format_instant(item.next_attempt_at) if item.next_attempt_at else "?"
            lines.append(
                f"  n° {item.outbox_id} ({item.to}) : {item.reason} ; nouvel essai le {when}"
            )
        if len(self.deferred) > 20:
            lines.append(f"  … et {plural(len(self.deferred) - 20, 'autre')} à réessayer.")
        for item in self.cancelled:
            lines.append(f"  annulé n° {item.outbox_id} ({item.to}) : {item.reason}")
        return lines


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:] + ("" if words.endswith(".") else ".")


# --- delivering -----------------------------------------------------------------------------------
async def deliver_outbox(
    db: Database,
    config: Config,
    *,
    operator: str | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
    letter_ids: Sequence[int] | None = None,
    now: datetime | None = None,
    stop: asyncio.Event | None = None,
) -> DeliveryReport:
    """Send the queued messages that are due (oldest first, at most `limit`), and record
    what became of each: see the module's docstring. `letter_ids`: only the emails of these
    letters, now, even those whose next try was planned later, and those that failed (queued
    again, to the account's current address): the console's "send the ticked letters".
    `progress(done, total)` is called at the start and after each message.

    A problem that stops the run (another sender at work, server unreachable, login
    refused...) is in `report.error`; the messages not tried stay as they were, except that
    those of an unreachable server wait for their next try. InputError for an `[smtp]`
    section that cannot work (no sender, unreadable password file), only when there is
    something to send."""
    report = DeliveryReport()
    operator = operator or operator_login()
    async with _sender_lock(db) as locked:
        if not locked:
            report.busy = True
            report.error = (
                "un autre envoi est déjà en cours (le service ou une autre console) : "
                "les messages partiront avec lui"
            )
            return report
        if letter_ids is not None:
            await _queue_again(db, letter_ids)
        due = await _due(db, now or utcnow(), limit, letter_ids)
        report.total = len(due)
        if progress is not None:
            progress(0, report.total)
        if not due:
            return report
        settings = smtp_settings(config.smtp, str(config.path) if config.path else None)
        sender = _Sender(db, config, settings, operator, report, progress)
        sender.stop = stop
        await sender.run(due)
    return report


@dataclass(slots=True)
class _Row:
    """A due message as read from the outbox, with what its email needs."""

    id: int
    kind: str
    letter_id: int | None
    request_id: int | None
    to: str
    subject: str
    body: str
    attempts: int
    created_at: datetime
    establishment_id: int | None  # of its request (rejection), else from its letter
    reply_to: str | None
    source: LetterSource | None = None
    pdf: asyncio.Future[bytes] | None = None


async def _due(
    db: Database, now: datetime, limit: int | None, letter_ids: Sequence[int] | None
) -> list[_Row]:
    query = (
        select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.letter_id,
            OutboxMessage.request_id,
            OutboxMessage.to_addr,
            OutboxMessage.subject,
            OutboxMessage.body,
            OutboxMessage.attempts,
            OutboxMessage.created_at,
            AccountRequest.establishment_id,
            PortalSettings.school_email,
        )
        .outerjoin(AccountRequest, AccountRequest.id == OutboxMessage.request_id)
        .outerjoin(
            PortalSettings, PortalSettings.establishment_id == AccountRequest.establishment_id
        )
        .where(OutboxMessage.status == OutboxStatus.QUEUED)
        .order_by(OutboxMessage.id)
    )
    rows: list[Any] = []
    async with db.reading() as session:
        if letter_ids is None:
            due = query.where(OutboxMessage.next_attempt_at <= now)
            rows = list((await session.execute(due.limit(limit) if limit else due)).all())
        else:
            for part in chunks(sorted(set(letter_ids))):
                rows += (
                    await session.execute(query.where(OutboxMessage.letter_id.in_(part)))
                ).all()
            rows.sort(key=lambda r: r[0])
            rows = rows[:limit] if limit else rows
    return [_Row(*row) for row in rows]


async def _queue_again(db: Database, letter_ids: Sequence[int]) -> None:
    """The failed emails of these letters (still holding their password) are queued again,
    to the account's current address; their letters and accounts are *à envoyer* again."""
    now = utcnow()
    async with db.writing() as session:
        for part in chunks(sorted(set(letter_ids))):
            rows = (
                await session.execute(
                    select(OutboxMessage.id, Letter.id, PortalAccount.id, PortalAccount.email)
                    .join(Letter, Letter.id == OutboxMessage.letter_id)
                    .join(PortalAccount, PortalAccount.id == Letter.account_id)
                    .where(
                        OutboxMessage.letter_id.in_(part),
                        OutboxMessage.status == OutboxStatus.FAILED,
                        Letter.state.in_(UNDELIVERED),
                        Letter.password_plain.is_not(None),
                    )
                    .order_by(OutboxMessage.id)
                )
            ).all()
            latest = {letter_id: (oid, aid, email) for oid, letter_id, aid, email in rows}
            for letter_id, (outbox_id, account_id, email) in latest.items():
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == outbox_id)
                    .values(
                        status=OutboxStatus.QUEUED,
                        attempts=0,
                        next_attempt_at=now,
                        to_addr=email,
                        last_error=None,
                    )
                )
                await session.execute(
                    update(Letter)
                    .where(Letter.id == letter_id, Letter.state == LetterState.FAILED)
                    .values(state=LetterState.PENDING, error=None)
                )
                await session.execute(
                    update(PortalAccount)
                    .where(
                        PortalAccount.id == account_id,
                        PortalAccount.credentials == CredentialsState.FAILED,
                    )
                    .values(credentials=CredentialsState.TO_SEND, updated_at=now)
                )


class _Stop(Exception):
    """The run cannot go on: `reason` says why, in French."""

    def __init__(self, reason: str, *, reachable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reachable = reachable  # False: server unreachable, the rest waits its next try


@dataclass(frozen=True, slots=True)
class _Refused:
    reason: str
    permanent: bool


class _Sender:
    def __init__(
        self,
        db: Database,
        config: Config,
        settings: SmtpSettings,
        operator: str,
        report: DeliveryReport,
        progress: Progress | None,
    ) -> None:
        self.db = db
        self.config = config
        self.settings = settings
        self.operator = operator
        self.report = report
        self.progress = progress
        self.smtp = _Connection(settings)
        self.letters = letters_dir(config)  # where the console writes its previews
        self._connection: AsyncConnection | None = None  # writes: the messages marked sent
        self._read_connection: AsyncConnection | None = None  # the check before each send
        self._unaudited: list[tuple[_Row, str]] = []
        self.stop: asyncio.Event | None = None  # set: the run ends after the message under way

    async def run(self, due: list[_Row]) -> None:
        letters = sum(1 for row in due if row.letter_id is not None)
        renderer = _Renderer(letters)
        parts = [due[i : i + CHUNK] for i in range(0, len(due), CHUNK)]
        reading: deque[asyncio.Task[list[_Row]]] = deque()
        position = 0  # index in `due` of the next message to send
        this = asyncio.current_task()
        try:
            for part in parts[:AHEAD]:
                reading.append(asyncio.create_task(self._prepare(part, renderer)))
            upcoming = deque(parts[AHEAD:])
            while reading:
                rows = await reading.popleft()
                if upcoming:
                    work = self._prepare(upcoming.popleft(), renderer)
                    reading.append(asyncio.create_task(work))
                for row in rows:
                    await self._deliver(row)
                    position += 1
                    if self.progress is not None:
                        self.progress(self.report.done, self.report.total)
                    # Python 3.11's wait_for (in aiosmtplib) can swallow a cancellation
                    # that comes as a reply arrives: the console's "stop" is honoured here.
                    if this is not None and this.cancelling():
                        raise asyncio.CancelledError
                    if self.stop is not None and self.stop.is_set() and position < len(due):
                        raise _Stop(
                            "arrêt demandé : les autres messages partiront au prochain envoi",
                            reachable=True,
                        )
            await self._audit_sent()
        except _Stop as stop:
            self.report.error = stop.reason
            await self._audit_sent()
            if not stop.reachable:
                await self._defer_all(due[position:], stop.reason)
                if self.progress is not None:
                    self.progress(self.report.done, self.report.total)
        finally:
            for task in reading:
                task.cancel()
            for task in reading:
                for row in await _settled(task):
                    _forget(row.pdf)
            for row in due[position:]:
                _forget(row.pdf)
            renderer.close()
            await self.smtp.close()
            if self._unaudited:  # an unexpected failure: keep what can be kept
                with contextlib.suppress(Exception):
                    await self._audit_sent()
            for connection in (self._connection, self._read_connection):
                if connection is not None:
                    await connection.close()

    async def _prepare(self, rows: list[_Row], renderer: _Renderer) -> list[_Row]:
        """Read what the letters of `rows` say and start rendering their PDFs."""
        ids = [row.letter_id for row in rows if row.letter_id is not None]
        if ids:
            async with self.db.reading() as session:
                sources = await letter_sources(
                    session, ids, self.config.portal.url, logos=self.config.letter_logos
                )
            for row in rows:
                if row.letter_id is None:
                    continue
                row.source = sources.get(row.letter_id)
                if row.source is not None:
                    row.establishment_id = row.source.establishment_id
                    if (content := _sendable(row.source)) is not None:
                        row.pdf = renderer.render(content)
        return rows

    async def _deliver(self, row: _Row) -> None:
        message_id = message_id_for(row.id, row.created_at, self.settings.sender.domain)
        if row.letter_id is not None:
            content = _sendable(row.source) if row.source else None
            if content is None or row.pdf is None:
                await self._cancel(
                    row,
                    "lettre déjà remise (imprimée ou envoyée) ou annulée : courriel non envoyé",
                )
                return
            try:
                pdf: bytes | None = await row.pdf
            except ValueError as error:  # the letter cannot be laid out (too long)
                await self._refused(row, _Refused(f"lettre impossible à composer : {error}", True))
                return
            except Exception as error:  # a worker process died...: nothing is lost
                raise _Stop(
                    f"échec de la mise en page des lettres : {error}", reachable=True
                ) from error
            finally:
                row.pdf = None  # the PDF goes in the message, then is dropped
        else:
            content, pdf = None, None
        try:
            if content is not None and pdf is not None:
                mail = letter_mail(content, pdf, self.settings.sender, row.to, message_id)
            else:
                mail = compose(
                    sender=self.settings.sender, to=row.to, subject=row.subject,
                    text=row.body, message_id=message_id, reply_to=row.reply_to,
                )  # fmt: skip
        except AddressError as error:
            await self._refused(row, _Refused(str(error), True))
            return
        if not await self._still_due(row, content):
            await self._cancel(
                row, "lettre remise, annulée ou courriel retiré entre-temps : courriel non envoyé"
            )
            return
        outcome = await self.smtp.send(mail)
        if outcome is None:
            await self._sent(row, message_id)
        else:
            await self._refused(row, outcome)

    async def _still_due(self, row: _Row, content: LetterContent | None) -> bool:
        """Read again just before sending: the message read ahead (its PDF rendered) may have
        been withdrawn meanwhile, or its letter printed or voided by a new password (the
        console, another operator): then the old password must not go out. What is left is the
        few milliseconds between this read and the server's reply."""
        connection = await self._reader()
        async with connection.begin():
            found = (await connection.execute(_CURRENT, {"oid": row.id})).first()
        if found is None or found.status != OutboxStatus.QUEUED:
            return False
        if row.letter_id is None:
            return True
        return (
            content is not None
            and found.state in UNDELIVERED
            and found.password_plain == content.password
        )

    async def _reader(self) -> AsyncConnection:
        if self._read_connection is None:
            self._read_connection = await self.db.engine.connect()
        return self._read_connection

    # --- recording, one transaction a message ----------------------------------------------
    async def _sent(self, row: _Row, message_id: str) -> None:
        """The server has taken it: marked sent at once, in its own transaction (three
        prepared statements on the run's own connection: this is done a thousand times)."""
        now = utcnow()
        connection = await self._writer()
        async with connection.begin():
            await connection.execute(_MARK_SENT, {"oid": row.id, "now": now})
            if row.letter_id is not None:
                # As letters.wipe_password; a letter printed meanwhile stays printed (the
                # paper copy stands, the email did no harm).
                wiped = await connection.execute(_WIPE_SENT, {"lid": row.letter_id, "now": now})
                if wiped.rowcount == 1 and row.source is not None:
                    await connection.execute(
                        _ACCOUNT_SENT, {"aid": row.source.account_id, "now": now}
                    )
        if row.source is not None:  # the password is gone from the store: so is its preview
            forget_pdf(self.letters, row.source.uai, row.source.login)
        self.report.sent.append(Delivered(row.id, row.kind, row.to, row.letter_id, message_id))
        self._unaudited.append((row, message_id))
        if len(self._unaudited) >= CHUNK:
            await self._audit_sent()

    async def _writer(self) -> AsyncConnection:
        if self._connection is None:
            engine = self.db.engine.execution_options(**{WRITE_OPTION: True})
            self._connection = await engine.connect()
        return self._connection

    async def _audit_sent(self) -> None:
        """An audit entry for the messages sent since the last one (by establishment)."""
        done, self._unaudited = self._unaudited, []
        groups: dict[int | None, list[tuple[_Row, str]]] = {}
        for row, message_id in done:
            groups.setdefault(row.establishment_id, []).append((row, message_id))
        if not groups:
            return
        async with self.db.writing() as session:
            for establishment_id, sent in groups.items():
                audit.record(
                    session, self.operator, "outbox.sent", "outbox", [r.id for r, _ in sent],
                    establishment_id, count=len(sent),
                    letter_ids=[r.letter_id for r, _ in sent if r.letter_id is not None],
                    message_ids=[m for _, m in sent],
                )  # fmt: skip

    async def _refused(self, row: _Row, refused: _Refused) -> None:
        attempts = row.attempts + 1
        permanent = refused.permanent or attempts >= MAX_ATTEMPTS
        reason = refused.reason
        if permanent and not refused.permanent:
            reason = f"abandon après {attempts} essais : {reason}"
        now = utcnow()
        next_at = None if permanent else now + deferral(attempts)
        async with self.db.writing() as session:
            await session.execute(
                update(OutboxMessage)
                # Cancelled meanwhile (its letter printed): it stays so.
                .where(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.QUEUED)
                .values(
                    status=OutboxStatus.FAILED if permanent else OutboxStatus.QUEUED,
                    attempts=OutboxMessage.attempts + 1,
                    last_error=reason,
                    **({} if next_at is None else {"next_attempt_at": next_at}),
                )
            )
            if row.letter_id is not None:
                await _letter_failed(session, [row.letter_id], reason, permanent, now)
            if permanent:
                audit.record(
                    session, self.operator, "outbox.failed", "outbox", [row.id],
                    row.establishment_id, kind=row.kind, to=row.to, letter_id=row.letter_id,
                    reason=reason,
                )  # fmt: skip
        item = Undelivered(row.id, row.kind, row.to, row.letter_id, reason, next_at)
        (self.report.failed if permanent else self.report.deferred).append(item)

    async def _cancel(self, row: _Row, reason: str) -> None:
        async with self.db.writing() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.QUEUED)
                .values(status=OutboxStatus.CANCELLED, last_error=reason)
            )
            audit.record(
                session, self.operator, "outbox.cancelled", "outbox", [row.id],
                row.establishment_id, kind=row.kind, to=row.to, letter_id=row.letter_id,
                reason=reason,
            )  # fmt: skip
        self.report.cancelled.append(Undelivered(row.id, row.kind, row.to, row.letter_id, reason))

    async def _defer_all(self, rows: Sequence[_Row], reason: str) -> None:
        """The server is unreachable: every message not tried waits for its next try."""
        now = utcnow()
        by_attempts: dict[int, list[_Row]] = {}
        for row in rows:
            by_attempts.setdefault(row.attempts + 1, []).append(row)
        async with self.db.writing() as session:
            for attempts, group in sorted(by_attempts.items()):
                permanent = attempts >= MAX_ATTEMPTS
                why = f"abandon après {attempts} essais : {reason}" if permanent else reason
                next_at = now + deferral(attempts)
                for part in chunks([row.id for row in group]):
                    await session.execute(
                        update(OutboxMessage)
                        .where(
                            OutboxMessage.id.in_(part),
                            OutboxMessage.status == OutboxStatus.QUEUED,
                        )
                        .values(
                            status=OutboxStatus.FAILED if permanent else OutboxStatus.QUEUED,
                            attempts=OutboxMessage.attempts + 1,
                            last_error=why,
                            next_attempt_at=next_at,
                        )
                    )
                letters = [row.letter_id for row in group if row.letter_id is not None]
                for part in chunks(letters):
                    await _letter_failed(session, part, why, permanent, now)
                for row in group:
                    item = Undelivered(
                        row.id, row.kind, row.to, row.letter_id, why,
                        None if permanent else next_at,
                    )  # fmt: skip
                    (self.report.failed if permanent else self.report.deferred).append(item)


_OUTBOX, _LETTERS, _ACCOUNTS = table_of(OutboxMessage), table_of(Letter), table_of(PortalAccount)
_CURRENT = (
    select(_OUTBOX.c.status, _LETTERS.c.state, _LETTERS.c.password_plain)
    .select_from(_OUTBOX.outerjoin(_LETTERS, _LETTERS.c.id == _OUTBOX.c.letter_id))
    .where(_OUTBOX.c.id == bindparam("oid"))
)
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("oid"))
    .values(
        status=OutboxStatus.SENT, sent_at=bindparam("now"),
        attempts=_OUTBOX.c.attempts + 1, last_error=None,
    )
)  # fmt: skip
_WIPE_SENT = (
    update(_LETTERS)
    .where(_LETTERS.c.id == bindparam("lid"), _LETTERS.c.state.in_(UNDELIVERED))
    .values(state=LetterState.SENT, password_plain=None, delivered_at=bindparam("now"), error=None)
)
_ACCOUNT_SENT = (
    update(_ACCOUNTS)
    .where(_ACCOUNTS.c.id == bindparam("aid"))
    .values(credentials=CredentialsState.SENT, updated_at=bindparam("now"))
)


def deferral(attempts: int) -> timedelta:
    """How long a message waits after its `attempts`-th failed try."""
    return timedelta(minutes=DEFERRAL_MINUTES[min(attempts, len(DEFERRAL_MINUTES)) - 1])


async def _letter_failed(
    session: Any, letter_ids: Sequence[int], reason: str, permanent: bool, now: datetime
) -> None:
    """Why the letters' emails did not go; for good (`permanent`): the letters and their
    accounts are *échec*, their passwords kept (a new try, or the édition)."""
    values: dict[str, Any] = {"error": reason}
    if permanent:
        values["state"] = LetterState.FAILED
    await session.execute(
        update(Letter)
        .where(Letter.id.in_(list(letter_ids)), Letter.state.in_(UNDELIVERED))
        .values(**values)
    )
    if permanent:
        accounts = select(Letter.account_id).where(
            Letter.id.in_(list(letter_ids)), Letter.state == LetterState.FAILED
        )
        await session.execute(
            update(PortalAccount)
            .where(PortalAccount.id.in_(accounts))
            .values(credentials=CredentialsState.FAILED, updated_at=now)
        )


def _sendable(source: LetterSource | None) -> LetterContent | None:
    """What the letter says, if it is still to deliver (its password still there)."""
    if source is None or source.state not in UNDELIVERED:
        return None
    return source.content


async def _settled(task: asyncio.Task[list[_Row]]) -> list[_Row]:
    try:
        return await task
    except BaseException:  # cancelled, or failed: nothing more to do with it
        return []


def _forget(future: asyncio.Future[bytes] | None) -> None:
    """A PDF no longer wanted: not rendered if it has not begun, its failure not logged."""
    if future is None:
        return
    if future.done():
        if not future.cancelled():
            future.exception()
    else:
        future.cancel()


# --- rendering the PDFs ---------------------------------------------------------------------------
class _Renderer:
    """The letters' PDFs, rendered in the order asked, in worker processes (fpdf2 holds the
    interpreter: threads would not help) for a batch worth starting them, else in a thread.
    `letter_pdf.render_letters` renders a list at once; here each PDF is awaited on its own
    so that sending begins with the first ones."""

    def __init__(self, letters: int) -> None:
        from packweb_tui.services.letter_pdf import IN_PROCESS_UP_TO

        self._pool: Executor | None = None
        workers = min(os.cpu_count() or 1, max(letters // IN_PROCESS_UP_TO, 1))
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # forkserver: no fork of a process that runs threads (the console, the loop).
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["packweb_tui.services.letter_pdf"])
            self._pool = ProcessPoolExecutor(workers, mp_context=context)

    def render(self, content: LetterContent) -> asyncio.Future[bytes]:
        from packweb_tui.services.letter_pdf import letter_pdf

        return asyncio.get_running_loop().run_in_executor(self._pool, letter_pdf, content)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


# --- SMTP -----------------------------------------------------------------------------------------
class _Connection:
    """One SMTP connection for the run, opened at the first message, opened again when the
    server drops it."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: aiosmtplib.SMTP | None = None

    async def send(self, mail: OutgoingMail) -> _Refused | None:
        """None once the server has accepted `mail`; _Refused with its words when it does not
        take it (now or for good). _Stop when the run cannot go on."""
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
                    return _Refused(f"serveur indisponible : {words}", False)
                await self._reset()
                if stage == "MAIL" and error.code >= 500 and error.code != 552:
                    raise _Stop(
                        f"adresse d'expédition {mail.sender} refusée par le serveur "
                        f"{self.settings.where} : {words}",
                        reachable=True,
                    ) from None
                return _Refused(f"refusé par le serveur : {words}", error.code >= 500)
            except (SMTPException, OSError, TimeoutError) as error:
                await self.close()
                # Lost before the message was handed over: the same message again at once.
                # Lost during DATA, the server may have taken it: a later try, same Message-ID.
                if stage != "DATA" and not retry:
                    continue
                return _Refused(f"connexion perdue pendant l'envoi : {_network(error)}", False)
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
            except _Stop:
                raise
            except Exception as failure:
                error = failure
        raise _Stop(
            f"serveur de messagerie {self.settings.where} injoignable : {_network(error)}",
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
            raise _Stop(
                f"identifiant ou mot de passe SMTP refusé par {s.where} "
                f"({s.username}) : {server_words(error.code, error.message)}",
                reachable=True,
            ) from None
        except Exception as error:
            if (tls := _tls_failure(error)) is not None:
                raise _Stop(
                    f"connexion TLS à {s.where} impossible : {tls}", reachable=True
                ) from None
            if isinstance(error, SMTPResponseException) and error.code in (530, 534, 538):
                raise _Stop(
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
                raise _Stop(
                    f"le serveur {s.where} ne convient pas à la configuration "
                    f"(security = {s.security}{', username' if s.username else ''}) : "
                    f"{_unsupported(error)}",
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


def server_words(code: int, message: str) -> str:
    """The server's reply on one line: `550 5.1.1 user unknown`."""
    return f"{code} {' '.join(message.split())}".strip()


def _unsupported(error: BaseException) -> str:
    """What the server does not offer, in French (aiosmtplib says it in English)."""
    words = " ".join(str(error).split())
    if "STARTTLS extension not supported" in words:
        return 'le serveur ne propose pas STARTTLS (essayez security = "tls" ou "none")'
    if "AUTH" in words and "not supported" in words:
        return "le serveur ne propose pas d'authentification (retirez username)"
    return words


def _tls_failure(error: BaseException) -> str | None:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"certificat refusé ({seen.verify_message})"
        if isinstance(seen, ssl.SSLError):
            return f"erreur TLS ({seen.reason or seen})"
        seen = seen.__cause__ or seen.__context__
    return None


def _network(error: BaseException | None) -> str:
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


# --- one sender at a time -------------------------------------------------------------------------
@contextlib.asynccontextmanager
async def _sender_lock(db: Database) -> AsyncIterator[bool]:
    """Whether this run may send (True), holding the lock for its length; False when another
    sender holds it. A crash releases it (the lock file's or the database session's end)."""
    if db.dialect == "postgresql":
        async with db.engine.connect() as connection:
            key = {"key": _LOCK_KEY}
            got = await connection.scalar(
                text("SELECT pg_try_advisory_lock(hashtext(current_schema()), :key)"), key
            )
            await connection.commit()
            try:
                yield bool(got)
            finally:
                if got:
                    with contextlib.suppress(Exception):
                        await connection.execute(
                            text("SELECT pg_advisory_unlock(hashtext(current_schema()), :key)"),
                            key,
                        )
                        await connection.commit()
        return
    database = db.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield True  # a database of this process only
        return
    import fcntl

    path = Path(f"{database}.outbox-lock")
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:  # created by another operator: reading is enough to lock
        descriptor = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)  # releases the lock


# --- the list -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OutboxView:
    """A message of the outbox, as `outbox list` shows it (never its body: a letter's email
    holds a password)."""

    id: int
    kind: str
    to: str
    subject: str
    status: OutboxStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    letter_id: int | None
    request_id: int | None
    message_id: str | None  # when the sender's domain is known

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "to": self.to,
            "subject": self.subject,
            "status": self.status.value,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": self.created_at.isoformat(),
            "next_attempt_at": (
                self.next_attempt_at.isoformat() if self.status is OutboxStatus.QUEUED else None
            ),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "letter_id": self.letter_id,
            "request_id": self.request_id,
            "message_id": self.message_id,
        }


async def list_outbox(
    db: Database,
    statuses: Iterable[OutboxStatus] | None = None,
    sender: str | None = None,
) -> list[OutboxView]:
    """The outbox's messages (of these statuses), oldest first. `sender` (`[smtp] sender`)
    gives their Message-ID."""
    try:
        domain = Sender.parse(sender).domain if sender else None
    except AddressError:
        domain = None
    query = select(
        OutboxMessage.id,
        OutboxMessage.kind,
        OutboxMessage.to_addr,
        OutboxMessage.subject,
        OutboxMessage.status,
        OutboxMessage.attempts,
        OutboxMessage.last_error,
        OutboxMessage.created_at,
        OutboxMessage.next_attempt_at,
        OutboxMessage.sent_at,
        OutboxMessage.letter_id,
        OutboxMessage.request_id,
    ).order_by(OutboxMessage.id)
    if statuses is not None:
        query = query.where(OutboxMessage.status.in_(list(statuses)))
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    return [
        OutboxView(
            row.id,
            row.kind,
            row.to_addr,
            row.subject,
            row.status,
            row.attempts,
            row.last_error,
            row.created_at,
            row.next_attempt_at,
            row.sent_at,
            row.letter_id,
            row.request_id,
            message_id_for(row.id, row.created_at, domain) if domain else None,
        )
        for row in rows
    ]


async def outbox_counts(db: Database) -> dict[OutboxStatus, int]:
    """How many messages of each status (the console's status line)."""
    async with db.reading() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        found = {status: int(n) for status, n in rows}
    return {status: found.get(status, 0) for status in OutboxStatus}
