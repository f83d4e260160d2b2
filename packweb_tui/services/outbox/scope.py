"""Which emails of the outbox are an establishment's: the one rule that the console's view of
its outbox and the sending of it share."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select

from packweb_tui.domain.states import OutboxKind
from packweb_tui.store.models import AccountRequest, Letter, OutboxMessage, PortalAccount
from packweb_tui.store.models import PortalSettings as Settings


def of_establishment(establishment_id: int) -> ColumnElement[bool]:
    """A condition on the outbox: the letters of the establishment's accounts, the rejections
    of its requests, and the digests sent to its address for requests (a digest names no
    request: its address is what ties it to the establishment)."""
    letters = (
        select(Letter.id)
        .join(PortalAccount, PortalAccount.id == Letter.account_id)
        .where(PortalAccount.establishment_id == establishment_id)
    )
    requests = select(AccountRequest.id).where(AccountRequest.establishment_id == establishment_id)
    addresses = select(Settings.requests_email).where(
        Settings.establishment_id == establishment_id, Settings.requests_email.is_not(None)
    )
    return or_(
        OutboxMessage.letter_id.in_(letters),
        OutboxMessage.request_id.in_(requests),
        and_(OutboxMessage.kind == OutboxKind.DIGEST, OutboxMessage.to_addr.in_(addresses)),
    )
