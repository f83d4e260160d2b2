"""The outbox in the store, as the sender reads and writes it: the messages due, the failed
letters queued again, and what became of each message (sent, refused, deferred, cancelled),
with its letter and account following, and the audit."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from packweb_tui.domain.states import CredentialsState, LetterState, OutboxStatus
from packweb_tui.services import audit
from packweb_tui.services.letters import UNDELIVERED, LetterSource
from packweb_tui.services.outbox.report import DeliveryReport, Undelivered
from packweb_tui.services.outbox.scope import of_establishment
from packweb_tui.services.outbox.smtp import Refused
from packweb_tui.store.bulk import chunks
from packweb_tui.store.database import Database
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
    from packweb_tui.domain.letters import LetterContent

# Minutes before the next try after the 1st, 2nd... failed one; the last one repeats.
DEFERRAL_MINUTES = (1, 5, 15, 60, 180, 360)
MAX_ATTEMPTS = 30  # about a week of tries: then the message counts as failed


def deferral(attempts: int) -> timedelta:
    """How long a message waits after its `attempts`-th failed try."""
    return timedelta(minutes=DEFERRAL_MINUTES[min(attempts, len(DEFERRAL_MINUTES)) - 1])


@dataclass(slots=True)
class DueMessage:
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


# --- reading ----------------------------------------------------------------------------------
async def due_messages(
    db: Database,
    now: datetime,
    limit: int | None,
    letter_ids: Sequence[int] | None,
    *,
    deferred: bool = False,
    establishment_id: int | None = None,
) -> list[DueMessage]:
    """The queued messages due at `now`, oldest first (at most `limit`); with `deferred`,
    those waiting for a later try too; with `letter_ids`, those of these letters whenever
    their next try was planned. Of one establishment's outbox if `establishment_id`."""
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
    if establishment_id is not None:
        query = query.where(of_establishment(establishment_id))
    rows: list[Any] = []
    async with db.reading() as session:
        if letter_ids is None:
            due = query if deferred else query.where(OutboxMessage.next_attempt_at <= now)
            rows = list((await session.execute(due.limit(limit) if limit else due)).all())
        else:
            for part in chunks(sorted(set(letter_ids))):
                rows += (
                    await session.execute(query.where(OutboxMessage.letter_id.in_(part)))
                ).all()
            rows.sort(key=lambda r: r[0])
            rows = rows[:limit] if limit else rows
    return [DueMessage(*row) for row in rows]


async def queue_again(db: Database, letter_ids: Sequence[int]) -> None:
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


# --- on the sender's own connections: done a thousand times a run, prepared once -------------
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


async def still_due(
    connection: AsyncConnection, row: DueMessage, content: LetterContent | None
) -> bool:
    """Whether `row` is still to send, read again just before it goes: a message read ahead
    may have been withdrawn meanwhile, or its letter printed or voided by a new password (the
    console, another operator): then the old password must not go out."""
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


async def mark_sent(connection: AsyncConnection, row: DueMessage, now: datetime) -> None:
    """The server has taken it: marked sent, in a transaction of its own; a letter's password
    is wiped (as letters.wipe_password does) and its account's credentials are *envoyé*."""
    async with connection.begin():
        await connection.execute(_MARK_SENT, {"oid": row.id, "now": now})
        if row.letter_id is not None:
            # A letter printed meanwhile stays printed (the paper copy stands, the email did
            # no harm).
            wiped = await connection.execute(_WIPE_SENT, {"lid": row.letter_id, "now": now})
            if wiped.rowcount == 1 and row.source is not None:
                await connection.execute(_ACCOUNT_SENT, {"aid": row.source.account_id, "now": now})


# --- what became of them ----------------------------------------------------------------------
async def audit_sent(db: Database, operator: str, sent: Sequence[tuple[DueMessage, str]]) -> None:
    """An audit entry for these messages sent (with their Message-IDs), by establishment."""
    groups: dict[int | None, list[tuple[DueMessage, str]]] = {}
    for row, message_id in sent:
        groups.setdefault(row.establishment_id, []).append((row, message_id))
    if not groups:
        return
    async with db.writing() as session:
        for establishment_id, done in groups.items():
            audit.record(
                session, operator, "outbox.sent", "outbox", [r.id for r, _ in done],
                establishment_id, count=len(done),
                letter_ids=[r.letter_id for r, _ in done if r.letter_id is not None],
                message_ids=[m for _, m in done],
            )  # fmt: skip


async def record_refused(
    db: Database, operator: str, row: DueMessage, refused: Refused, report: DeliveryReport
) -> None:
    """The server did not take it: failed for good (5xx, or too many tries), else deferred
    to its next try; its letter and account follow."""
    attempts = row.attempts + 1
    permanent = refused.permanent or attempts >= MAX_ATTEMPTS
    reason = refused.reason
    if permanent and not refused.permanent:
        reason = f"abandon après {attempts} essais : {reason}"
    now = utcnow()
    next_at = None if permanent else now + deferral(attempts)
    async with db.writing() as session:
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
                session, operator, "outbox.failed", "outbox", [row.id],
                row.establishment_id, kind=row.kind, to=row.to, letter_id=row.letter_id,
                reason=reason,
            )  # fmt: skip
    item = Undelivered(row.id, row.kind, row.to, row.letter_id, reason, next_at)
    (report.failed if permanent else report.deferred).append(item)


async def record_cancelled(
    db: Database, operator: str, row: DueMessage, reason: str, report: DeliveryReport
) -> None:
    """Not to be sent any more (its letter delivered or voided meanwhile)."""
    async with db.writing() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.QUEUED)
            .values(status=OutboxStatus.CANCELLED, last_error=reason)
        )
        audit.record(
            session, operator, "outbox.cancelled", "outbox", [row.id],
            row.establishment_id, kind=row.kind, to=row.to, letter_id=row.letter_id,
            reason=reason,
        )  # fmt: skip
    report.cancelled.append(Undelivered(row.id, row.kind, row.to, row.letter_id, reason))


async def defer_all(
    db: Database, rows: Sequence[DueMessage], reason: str, report: DeliveryReport
) -> None:
    """The server is unreachable: every message not tried waits for its next try."""
    now = utcnow()
    by_attempts: dict[int, list[DueMessage]] = {}
    for row in rows:
        by_attempts.setdefault(row.attempts + 1, []).append(row)
    async with db.writing() as session:
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
                (report.failed if permanent else report.deferred).append(item)


async def _letter_failed(
    session: AsyncSession, letter_ids: Sequence[int], reason: str, permanent: bool, now: datetime
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
