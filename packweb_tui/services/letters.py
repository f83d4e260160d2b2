"""Credentials letters in the store: what each one says (LetterContent, read in a few queries
whatever the number of letters), which are still to deliver.

A letter is created with its account (services/decisions/approve.py) and holds the plain
password until it is delivered, by email (services/outbox/) or on paper (the édition): then
the password is wiped and only the account's hash remains."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from packweb_tui.domain.dates import PARIS
from packweb_tui.domain.errors import InputError
from packweb_tui.domain.hosts import HostKind
from packweb_tui.domain.letters import LetterContent, letter_text, subject_for
from packweb_tui.domain.states import CredentialsState, LetterState, OutboxKind, OutboxStatus
from packweb_tui.services import audit
from packweb_tui.services.errors import OperationalError
from packweb_tui.services.establishments import address_lines, require_establishment
from packweb_tui.store.bulk import chunks
from packweb_tui.store.database import Database
from packweb_tui.store.models import (
    AccountHost,
    Establishment,
    Host,
    Letter,
    OutboxMessage,
    PortalAccount,
    PortalSettings,
)
from packweb_tui.store.types import utcnow


@dataclass(frozen=True, slots=True)
class LetterSource:
    """A letter and what it is sent about (ids), as read with its content."""

    letter_id: int
    account_id: int
    establishment_id: int
    uai: str
    login: str
    email: str
    state: LetterState
    content: LetterContent | None  # None once the password is wiped (delivered, void)


def host_label(last: str, first: str, card: str) -> str:
    """``DUPONT Marie-Hélène, carte …0001`` (the end of the card, as on the canteen's list)."""
    return f"{last.upper()} {first}, carte …{card[-4:]}"


async def letter_sources(
    session: AsyncSession,
    letter_ids: Sequence[int],
    portal_url: str | None,
    today: date | None = None,
    logos: Mapping[str, Path] | None = None,
) -> dict[int, LetterSource]:
    """The letters `letter_ids` (those that exist) with what they say."""
    issued = today or datetime.now(PARIS).date()
    found: dict[int, LetterSource] = {}
    for part in chunks(sorted(set(letter_ids))):
        rows = (
            await session.execute(
                select(
                    Letter.id,
                    Letter.state,
                    Letter.password_plain,
                    PortalAccount.id,
                    PortalAccount.login,
                    PortalAccount.email,
                    Establishment.id,
                    Establishment.uai,
                    Establishment.name,
                    Establishment.address,
                    Establishment.phone,
                    PortalSettings.school_email,
                )
                .join(PortalAccount, PortalAccount.id == Letter.account_id)
                .join(Establishment, Establishment.id == PortalAccount.establishment_id)
                .outerjoin(PortalSettings, PortalSettings.establishment_id == Establishment.id)
                .where(Letter.id.in_(part))
            )
        ).all()
        hosts: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        pupils: dict[int, bool] = {}  # account → whether its holder (first host) is a pupil
        for account_id, last, first, card, kind in await session.execute(
            select(AccountHost.account_id, Host.last_name, Host.first_name, Host.card, Host.kind)
            .join(Host, Host.id == AccountHost.host_id)
            .where(AccountHost.account_id.in_({r[3] for r in rows}))
            .order_by(AccountHost.account_id, Host.last_name, Host.first_name, Host.card)
        ):
            hosts[account_id].append((last, first, card))
            pupils.setdefault(account_id, kind == HostKind.ELEVE)
        for lid, state, password, aid, login, email, eid, uai, name, address, phone, school in rows:
            reached = hosts.get(aid, [])
            holder = f"{reached[0][1]} {reached[0][0].upper()}" if reached else email
            content = (
                LetterContent(
                    establishment=name,
                    uai=uai,
                    address=address_lines(address),
                    school_email=school,
                    holder=holder,
                    recipient_email=email,
                    hosts=tuple(host_label(*h) for h in reached),
                    login=login,
                    password=password,
                    portal_url=portal_url,
                    issued_on=issued,
                    logo=(logos or {}).get(uai),
                    phone=phone,
                    pupil=pupils.get(aid, False),
                )
                if password
                else None
            )
            found[lid] = LetterSource(lid, aid, eid, uai, login, email, state, content)
    return found


def wipe_password(letter: Letter, state: LetterState) -> None:
    """The letter is delivered (or voided): its plain password goes."""
    letter.state = state
    letter.password_plain = None
    letter.delivered_at = utcnow()


# --- the Identifiants pane ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CredentialsRow:
    """An account of the establishment with its latest letter, as the pane lists it."""

    account_id: int
    login: str
    holder: str  # "DUPONT Marie-Hélène" (the first host it reaches), else its email
    email: str
    state: CredentialsState
    letter_id: int | None
    created_at: datetime  # of the letter (else the account)
    delivered_at: datetime | None  # sent or printed
    error: str | None  # why the last sending failed

    @property
    def undelivered(self) -> bool:
        return self.state in (CredentialsState.TO_SEND, CredentialsState.FAILED)


STATE_ORDER = {
    CredentialsState.TO_SEND: 0,
    CredentialsState.FAILED: 1,
    CredentialsState.SENT: 2,
    CredentialsState.PRINTED: 3,
}


async def credentials_rows(db: Database, uai: str) -> list[CredentialsRow]:
    """Every account of establishment `uai`: those still to deliver first (oldest first),
    then failures, then those delivered (latest first)."""
    async with db.reading() as session:
        establishment = await require_establishment(session, uai)
        latest = (
            select(Letter.account_id, func.max(Letter.id).label("letter_id"))
            .group_by(Letter.account_id)
            .subquery()
        )
        rows = (
            await session.execute(
                select(
                    PortalAccount.id,
                    PortalAccount.login,
                    PortalAccount.email,
                    PortalAccount.credentials,
                    PortalAccount.created_at,
                    Letter.id,
                    Letter.created_at,
                    Letter.delivered_at,
                    Letter.error,
                )
                .outerjoin(latest, latest.c.account_id == PortalAccount.id)
                .outerjoin(Letter, Letter.id == latest.c.letter_id)
                .where(PortalAccount.establishment_id == establishment.id)
            )
        ).all()
        holders: dict[int, str] = {}
        for part in chunks([r[0] for r in rows]):
            for account_id, last, first in await session.execute(
                select(AccountHost.account_id, Host.last_name, Host.first_name)
                .join(Host, Host.id == AccountHost.host_id)
                .where(AccountHost.account_id.in_(part))
                .order_by(AccountHost.account_id, Host.last_name, Host.first_name)
            ):
                holders.setdefault(account_id, f"{last.upper()} {first}")
    found = [
        CredentialsRow(
            aid,
            login,
            holders.get(aid, email),
            email,
            state,
            lid,
            lcreated or created,
            delivered,
            error,
        )
        for aid, login, email, state, created, lid, lcreated, delivered, error in rows
    ]
    pending = sorted(
        (r for r in found if STATE_ORDER[r.state] < 2),
        key=lambda r: (STATE_ORDER[r.state], r.created_at, r.login),
    )
    done = sorted(
        (r for r in found if STATE_ORDER[r.state] >= 2),
        key=lambda r: (r.delivered_at or r.created_at, r.login),
        reverse=True,
    )
    return pending + done


@dataclass(frozen=True, slots=True)
class LetterPreview:
    letter_id: int
    login: str
    text: str | None  # the letter as it will read; None once delivered (password wiped)
    pdf_path: Path | None  # the letter as PDF, written for the operator to open
    unprintable: str = ""  # characters of its names that the PDF cannot show
    logo_missing: Path | None = None  # the configured logo, not found: the letter goes without


async def letter_preview(
    db: Database,
    letter_id: int,
    portal_url: str | None,
    directory: Path | None,
    today: date | None = None,
    logos: Mapping[str, Path] | None = None,
) -> LetterPreview:
    """The text of a letter still to deliver, and its PDF written under `directory` (readable
    by its owner only: it holds a password)."""
    async with db.reading() as session:
        sources = await letter_sources(session, [letter_id], portal_url, today, logos)
        source = sources.get(letter_id)
    if source is None:
        raise OperationalError(f"lettre n° {letter_id} introuvable")
    if source.content is None:
        return LetterPreview(letter_id, source.login, None, None)
    from packweb_tui.services.letter_pdf import letter_pdf, unprintable

    path = None
    if directory is not None:
        document = await asyncio.to_thread(letter_pdf, source.content)
        path = directory / source.uai / f"identifiants-{source.login}.pdf"
        await asyncio.to_thread(write_private, path, document)
    text = letter_text(source.content)
    logo = source.content.logo
    missing = logo if logo is not None and not logo.is_file() else None
    return LetterPreview(letter_id, source.login, text, path, unprintable(source.content), missing)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` at `path` whole or not at all, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A temporary file of its own (mkstemp: 0600): two previews of one letter may overlap.
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def forget_pdf(directory: Path | None, uai: str, login: str) -> None:
    """The PDF written for a preview goes with the password it holds (a folder that cannot
    be read is no reason to fail what has been done: there was no preview there)."""
    if directory is not None:
        with contextlib.suppress(OSError):
            (directory / uai / f"identifiants-{login}.pdf").unlink(missing_ok=True)


UNDELIVERED = (LetterState.PENDING, LetterState.FAILED)


async def cancel_emails(session: AsyncSession, letter_ids: Sequence[int], why: str) -> None:
    """The queued emails of these letters will not go (delivered otherwise, or voided)."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.letter_id.in_(list(letter_ids)),
            OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.FAILED)),
        )
        .values(status=OutboxStatus.CANCELLED, last_error=why)
    )


# --- a new password ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ResetReport:
    login: str
    letter_id: int
    voided: int  # earlier letters not delivered, now void


async def reset_password(
    db: Database, login: str, operator: str, directory: Path | None = None
) -> ResetReport:
    """A new initial password for `login` (a parent calls: lost, never received): the
    account's hash changes, it must be changed at the next login, a new letter is queued with
    its email, and any earlier letter not yet delivered is void."""
    from packweb_tui.domain.credentials import new_password, typed_login
    from packweb_tui.services.passwords import hash_password

    login = typed_login(login)
    password = new_password()
    password_hash = await asyncio.to_thread(hash_password, password)
    async with db.writing() as session:
        account = (
            await session.scalars(select(PortalAccount).where(PortalAccount.login == login))
        ).one_or_none()
        if account is None:
            raise InputError(f"identifiant inconnu : {login}")
        establishment = await session.get(Establishment, account.establishment_id)
        assert establishment is not None
        earlier = list(
            (
                await session.scalars(
                    select(Letter).where(
                        Letter.account_id == account.id, Letter.state.in_(UNDELIVERED)
                    )
                )
            ).all()
        )
        for letter in earlier:
            wipe_password(letter, LetterState.VOID)
        await cancel_emails(
            session, [letter.id for letter in earlier], "remplacée par un nouveau mot de passe"
        )
        now = utcnow()
        account.password_hash = password_hash
        account.must_change_password = True
        account.credentials = CredentialsState.TO_SEND
        account.updated_at = now
        account.pushed_at = None  # the portal gets the new hash at the next sync
        letter = Letter(
            account_id=account.id, state=LetterState.PENDING, password_plain=password,
            created_at=now, created_by=operator,
        )  # fmt: skip
        session.add(letter)
        await session.flush()
        session.add(
            OutboxMessage(
                kind=OutboxKind.LETTER,
                letter_id=letter.id,
                to_addr=account.email,
                subject=subject_for(establishment.name),
                body="",
                status=OutboxStatus.QUEUED,
                attempts=0,
                created_at=now,
                next_attempt_at=now,
            )
        )
        audit.record(
            session, operator, "accounts.reset", "portal_account", [account.id],
            establishment.id, letter_id=letter.id, voided=[x.id for x in earlier],
        )  # fmt: skip
        report = ResetReport(account.login, letter.id, len(earlier))
        uai = establishment.uai
    forget_pdf(directory, uai, login)
    return report


async def check_password(db: Database, login: str, password: str) -> bool:
    """Whether `password` is the current password of `login` (support, on the phone)."""
    from packweb_tui.domain.credentials import typed_login
    from packweb_tui.services.passwords import verify_password

    login = typed_login(login)
    if not password:
        raise InputError("aucun mot de passe lu sur l'entrée standard")
    async with db.reading() as session:
        password_hash = (
            await session.scalars(
                select(PortalAccount.password_hash).where(PortalAccount.login == login)
            )
        ).one_or_none()
    if password_hash is None:
        raise InputError(f"identifiant inconnu : {login}")
    return await asyncio.to_thread(verify_password, password_hash, password)
