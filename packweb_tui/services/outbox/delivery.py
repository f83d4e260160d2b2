"""The outbox sender: every queued email that is due goes to the SMTP server (`[smtp]`,
docs/configuration.md), from the console, from `packweb outbox send` and from the daemon
every minute.

What it guarantees, on SQLite and PostgreSQL alike:
- Nothing is sent twice, short of SMTP's own limit: each message is marked sent in its own
  transaction, committed as soon as the server has accepted it (a crash between the server's
  "250" and that commit is the one case where a message goes again: it keeps its Message-ID,
  derived from its outbox row, so that the copies can be told apart). One sender at a time
  (store.locks.sender_lock): a second sender (the daemon while the console sends) finds the
  lock taken and leaves the messages to the first.
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
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncConnection

from packweb_tui.config import Config, letters_dir, operator_login
from packweb_tui.services.establishments import require_establishment
from packweb_tui.services.letters import UNDELIVERED, LetterSource, forget_pdf, letter_sources
from packweb_tui.services.mail import AddressError, compose, letter_mail, message_id_for
from packweb_tui.services.outbox import records
from packweb_tui.services.outbox.records import DueMessage
from packweb_tui.services.outbox.render import PdfRenderer, abandon
from packweb_tui.services.outbox.report import Delivered, DeliveryReport
from packweb_tui.services.outbox.settings import SmtpSettings, smtp_settings
from packweb_tui.services.outbox.smtp import Refused, SmtpConnection, StopRun
from packweb_tui.store.database import Database
from packweb_tui.store.engine import WRITE_OPTION
from packweb_tui.store.locks import sender_lock
from packweb_tui.store.types import utcnow

if TYPE_CHECKING:
    from packweb_tui.domain.letters import LetterContent

CHUNK = 50  # messages read from the store at once
AHEAD = 3  # chunks read (and their PDFs rendered) ahead of the one being sent

Progress = Callable[[int, int], object]
"""`progress(done, total)`: messages dealt with so far (sent, failed, deferred, cancelled)."""


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
    deferred: bool = False,
    uai: str | None = None,
) -> DeliveryReport:
    """Send the queued messages that are due (oldest first, at most `limit`), and record
    what became of each: see the module's docstring. `deferred`: those waiting for a later
    try as well, now (`outbox send --now`, once the mail server is mended). `uai`: only the
    outbox of that establishment (`scope.of_establishment`). `letter_ids`: only the emails of
    these letters, now, even those whose next try was planned later, and those that failed
    (queued again, to the account's current address): the console's "send the ticked letters".
    `progress(done, total)` is called at the start and after each message.

    A problem that stops the run (another sender at work, server unreachable, login
    refused...) is in `report.error`; the messages not tried stay as they were, except that
    those of an unreachable server wait for their next try. InputError for an `[smtp]`
    section that cannot work (no sender, unreadable password file), only when there is
    something to send."""
    report = DeliveryReport()
    operator = operator or operator_login()
    async with sender_lock(db) as locked:
        if not locked:
            report.busy = True
            report.error = (
                "un autre envoi est déjà en cours (le service ou une autre console) : "
                "les messages partiront avec lui"
            )
            return report
        if letter_ids is not None:
            await records.queue_again(db, letter_ids)
        establishment_id = None
        if uai is not None:
            async with db.reading() as session:
                establishment_id = (await require_establishment(session, uai)).id
        due = await records.due_messages(
            db, now or utcnow(), limit, letter_ids,
            deferred=deferred, establishment_id=establishment_id,
        )  # fmt: skip
        report.total = len(due)
        if progress is not None:
            progress(0, report.total)
        if not due:
            return report
        settings = smtp_settings(config.smtp, config.path)
        sender = _Sender(db, config, settings, operator, report, progress)
        sender.stop = stop
        await sender.run(due)
    return report


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
        self.smtp = SmtpConnection(settings)
        self.letters = letters_dir(config)  # where the console writes its previews
        self._connection: AsyncConnection | None = None  # writes: the messages marked sent
        self._read_connection: AsyncConnection | None = None  # the check before each send
        self._unaudited: list[tuple[DueMessage, str]] = []
        self.stop: asyncio.Event | None = None  # set: the run ends after the message under way

    async def run(self, due: list[DueMessage]) -> None:
        letters = sum(1 for row in due if row.letter_id is not None)
        renderer = PdfRenderer(letters)
        parts = [due[i : i + CHUNK] for i in range(0, len(due), CHUNK)]
        reading: deque[asyncio.Task[list[DueMessage]]] = deque()
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
                        raise StopRun(
                            "arrêt demandé : les autres messages partiront au prochain envoi",
                            reachable=True,
                        )
            await self._audit_sent()
        except StopRun as stop:
            self.report.error = stop.reason
            await self._audit_sent()
            if not stop.reachable:
                await records.defer_all(self.db, due[position:], stop.reason, self.report)
                if self.progress is not None:
                    self.progress(self.report.done, self.report.total)
        finally:
            for task in reading:
                task.cancel()
            for task in reading:
                for row in await _settled(task):
                    abandon(row.pdf)
            for row in due[position:]:
                abandon(row.pdf)
            renderer.close()
            await self.smtp.close()
            if self._unaudited:  # an unexpected failure: keep what can be kept
                with contextlib.suppress(Exception):
                    await self._audit_sent()
            for connection in (self._connection, self._read_connection):
                if connection is not None:
                    await connection.close()

    async def _prepare(self, rows: list[DueMessage], renderer: PdfRenderer) -> list[DueMessage]:
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

    async def _deliver(self, row: DueMessage) -> None:
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
                await self._refused(row, Refused(f"lettre impossible à composer : {error}", True))
                return
            except Exception as error:  # a worker process died...: nothing is lost
                raise StopRun(
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
            await self._refused(row, Refused(str(error), True))
            return
        # Read again just before sending (records.still_due): what is left is the few
        # milliseconds between this read and the server's reply.
        if not await records.still_due(await self._reader(), row, content):
            await self._cancel(
                row, "lettre remise, annulée ou courriel retiré entre-temps : courriel non envoyé"
            )
            return
        outcome = await self.smtp.send(mail)
        if outcome is None:
            await self._sent(row, message_id)
        else:
            await self._refused(row, outcome)

    async def _reader(self) -> AsyncConnection:
        if self._read_connection is None:
            self._read_connection = await self.db.engine.connect()
        return self._read_connection

    # --- recording, one transaction a message ----------------------------------------------
    async def _sent(self, row: DueMessage, message_id: str) -> None:
        """The server has taken it: marked sent at once, in its own transaction (prepared
        statements on the run's own connection: this is done a thousand times)."""
        now = utcnow()
        await records.mark_sent(await self._writer(), row, now)
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
        await records.audit_sent(self.db, self.operator, done)

    async def _refused(self, row: DueMessage, refused: Refused) -> None:
        await records.record_refused(self.db, self.operator, row, refused, self.report)

    async def _cancel(self, row: DueMessage, reason: str) -> None:
        await records.record_cancelled(self.db, self.operator, row, reason, self.report)


def _sendable(source: LetterSource | None) -> LetterContent | None:
    """What the letter says, if it is still to deliver (its password still there)."""
    if source is None or source.state not in UNDELIVERED:
        return None
    return source.content


async def _settled(task: asyncio.Task[list[DueMessage]]) -> list[DueMessage]:
    try:
        return await task
    except BaseException:  # cancelled, or failed: nothing more to do with it
        return []
