"""The operator's hand choice of a pending request's host, and its undoing: what lets a
request that matching could not settle be approved."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from packweb_tui.domain.errors import InputError
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.services import audit
from packweb_tui.services.decisions.selection import SelectedRequest, read_requests, unchanged
from packweb_tui.services.matching import rematch_pending
from packweb_tui.store.database import Database
from packweb_tui.store.locks import take_decisions_lock
from packweb_tui.store.models import AccountRequest, Host, table_of

_REQUESTS = table_of(AccountRequest)


async def _pending_request(session: AsyncSession, request_id: int) -> SelectedRequest:
    found = await read_requests(session, [request_id])
    if not found:
        raise InputError(f"demande n° {request_id} inconnue")
    row = found[0]
    if row.status is not RequestStatus.PENDING:
        raise InputError(f"demande n° {request_id} déjà {row.status.label.lower()}")
    return row


async def _set_host(
    session: AsyncSession, row: SelectedRequest, host_id: int | None, attached_by: str | None
) -> None:
    result = await session.execute(
        update(_REQUESTS)
        .where(unchanged(row))
        .values(host_id=host_id, attached_by=attached_by, version=_REQUESTS.c.version + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise InputError(f"demande n° {row.id} modifiée entre-temps : réessayez")


async def attach_host(db: Database, request_id: int, host_id: int, operator: str) -> None:
    """The operator's hand choice of the host a pending request is for (a `probable`,
    `ambiguous` or `mismatch` request checked by a person): the request may then be approved.
    The host must be of the request's establishment. InputError otherwise."""
    async with db.writing() as session:
        await take_decisions_lock(session)
        row = await _pending_request(session, request_id)
        host = (
            await session.execute(
                select(Host.id, Host.establishment_id, Host.card).where(Host.id == host_id)
            )
        ).one_or_none()
        if host is None:
            raise InputError(f"hôte n° {host_id} inconnu")
        if host.establishment_id != row.establishment_id:
            raise InputError(
                f"la carte {host.card} n'est pas de l'établissement de la demande n° {request_id}"
            )
        await _set_host(session, row, host_id, operator)
        audit.record(
            session,
            operator,
            "request.attach",
            "account_request",
            [request_id],
            row.establishment_id,
            host_id=host_id,
            card=host.card,
            previous_host_id=row.host_id,
        )


async def detach_host(db: Database, request_id: int, operator: str) -> None:
    """Undo the operator's hand choice of a pending request's host: the request goes back to
    what matching says of it. InputError if no host was chosen by hand."""
    async with db.writing() as session:
        await take_decisions_lock(session)
        row = await _pending_request(session, request_id)
        if not row.attached_by:
            raise InputError(f"demande n° {request_id} : aucun hôte choisi à la main")
        await _set_host(session, row, None, None)
        audit.record(
            session,
            operator,
            "request.detach",
            "account_request",
            [request_id],
            row.establishment_id,
            previous_host_id=row.host_id,
        )
        await rematch_pending(session, row.establishment_id)
