"""Credentials letters in the store: what each one says (LetterContent, read in a few queries
whatever the number of letters), which are still to deliver.

A letter is created with its account (services/approval.py) and holds the plain password
until it is delivered, by email (services/outbox.py) or on paper (the édition): then the
password is wiped and only the account's hash remains."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from packweb_tui.domain.dates import PARIS
from packweb_tui.domain.letters import LetterContent
from packweb_tui.services.matching import chunks
from packweb_tui.store.models import (
    AccountHost,
    Establishment,
    Host,
    Letter,
    LetterState,
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


def address_lines(address: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (address or "").splitlines() if line.strip())


def host_label(last: str, first: str, card: str) -> str:
    """``DUPONT Marie-Hélène, carte …0001`` (the end of the card, as on the canteen's list)."""
    return f"{last.upper()} {first}, carte …{card[-4:]}"


async def letter_sources(
    session: AsyncSession,
    letter_ids: Sequence[int],
    portal_url: str | None,
    today: date | None = None,
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
                    PortalSettings.school_email,
                )
                .join(PortalAccount, PortalAccount.id == Letter.account_id)
                .join(Establishment, Establishment.id == PortalAccount.establishment_id)
                .outerjoin(PortalSettings, PortalSettings.establishment_id == Establishment.id)
                .where(Letter.id.in_(part))
            )
        ).all()
        hosts: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for account_id, last, first, card in await session.execute(
            select(AccountHost.account_id, Host.last_name, Host.first_name, Host.card)
            .join(Host, Host.id == AccountHost.host_id)
            .where(AccountHost.account_id.in_({r[3] for r in rows}))
            .order_by(AccountHost.account_id, Host.last_name, Host.first_name, Host.card)
        ):
            hosts[account_id].append((last, first, card))
        for lid, state, password, aid, login, email, eid, uai, name, address, school in rows:
            reached = hosts.get(aid, [])
            holder = f"{reached[0][1]} {reached[0][0].upper()}" if reached else email
            content = (
                LetterContent(
                    establishment=name,
                    uai=uai,
                    address=tuple(
                        line.strip() for line in (address or "").splitlines() if line.strip()
                    ),
                    school_email=school,
                    holder=holder,
                    recipient_email=email,
                    hosts=tuple(host_label(*h) for h in reached),
                    login=login,
                    password=password,
                    portal_url=portal_url,
                    issued_on=issued,
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
