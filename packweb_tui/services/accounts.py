"""Portal accounts: the logins given out, the cards each reaches, the state of their
credentials letter."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from packweb_tui.domain.states import CredentialsState
from packweb_tui.services.establishments import require_establishment
from packweb_tui.store.bulk import chunks
from packweb_tui.store.database import Database
from packweb_tui.store.models import AccountHost, Establishment, Host, PortalAccount


@dataclass(frozen=True, slots=True)
class AccountView:
    id: int
    login: str
    uai: str
    cards: tuple[str, ...]
    email: str
    created_at: datetime
    enabled: bool
    credentials: CredentialsState
    must_change_password: bool

    def to_json(self) -> dict[str, Any]:
        """The `accounts list --json` item (docs/cli.md, JSON output)."""
        return {
            "login": self.login,
            "uai": self.uai,
            "cards": list(self.cards),
            "email": self.email,
            "created_at": self.created_at.isoformat(),
            "enabled": self.enabled,
            "credentials": self.credentials.value,
        }


async def list_accounts(db: Database, uai: str | None = None) -> list[AccountView]:
    """Every portal account (of one establishment if `uai`), by establishment then login,
    with the cards it reaches."""
    query = (
        select(
            PortalAccount.id,
            PortalAccount.login,
            Establishment.uai,
            PortalAccount.email,
            PortalAccount.created_at,
            PortalAccount.enabled,
            PortalAccount.credentials,
            PortalAccount.must_change_password,
        )
        .join(Establishment, Establishment.id == PortalAccount.establishment_id)
        .order_by(Establishment.uai, PortalAccount.login)
    )
    async with db.reading() as session:
        if uai is not None:
            establishment = await require_establishment(session, uai)
            query = query.where(PortalAccount.establishment_id == establishment.id)
        rows = (await session.execute(query)).all()
        cards: dict[int, list[str]] = defaultdict(list)
        for part in chunks([r.id for r in rows]):
            for account_id, card in await session.execute(
                select(AccountHost.account_id, Host.card)
                .join(Host, Host.id == AccountHost.host_id)
                .where(AccountHost.account_id.in_(part))
                .order_by(Host.card)
            ):
                cards[account_id].append(card)
    return [
        AccountView(
            r.id,
            r.login,
            r.uai,
            tuple(cards[r.id]),
            r.email,
            r.created_at,
            r.enabled,
            r.credentials,
            r.must_change_password,
        )
        for r in rows
    ]
