"""Read-only views of the pending requests of one establishment, as the Demandes pane shows
them: light rows for the whole queue (two queries, whatever its length), the detail of one
request beside its candidate hosts, and a search of the establishment's hosts for attaching
one by hand.

Nothing here writes: the decisions go through services/decisions/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, text

from packweb_tui.domain.decisions import approval_obstacle
from packweb_tui.domain.hosts import HostKind, HostMode
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.names import fold_name
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.services.errors import OperationalError
from packweb_tui.services.establishments import require_establishment
from packweb_tui.services.pending import Queue, build_queue
from packweb_tui.store.database import Database
from packweb_tui.store.models import (
    AccountHost,
    AccountRequest,
    Establishment,
    Host,
    RequestCandidate,
)
from packweb_tui.store.queries import PENDING_CANDIDATES, PENDING_ROWS

SEARCH_LIMIT = 50


async def pending_queue(db: Database, uai: str) -> Queue:
    """Every pending request of establishment `uai`, oldest first. Two queries (the
    requests with their attached host, then the cards of all their candidates), in plain
    SQL shared with the console's first read (store/queries.py)."""
    async with db.reading() as session:
        establishment = await require_establishment(session, uai)
        params = {"eid": establishment.id, "pending": RequestStatus.PENDING.value}
        rows = (await session.execute(text(PENDING_ROWS), params)).all()
        candidates = (await session.execute(text(PENDING_CANDIDATES), params)).all()
    return build_queue(establishment.uai, rows, candidates)


@dataclass(frozen=True, slots=True)
class HostView:
    """A host as the detail shows it beside a request."""

    id: int
    card: str
    last_name: str
    first_name: str
    class_name: str | None
    kind: HostKind
    mode: HostMode
    has_account: bool
    # Compared with the request (names folded: accents, case, hyphens aside).
    card_matches: bool = True
    same_last_name: bool = True
    same_first_name: bool = True
    attached: bool = False

    @property
    def display(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"


@dataclass(frozen=True, slots=True)
class RequestDetail:
    id: int
    uai: str
    status: RequestStatus
    submitted_at: datetime
    card_digits: str
    last_name: str
    first_name: str
    email: str
    match_kind: MatchKind
    explanation: str
    attached_by: str | None
    decided_by: str | None
    reject_reason: str | None
    # The candidates, then the attached host when it is not one of them (attached by hand).
    hosts: tuple[HostView, ...]

    @property
    def attached(self) -> HostView | None:
        return next((h for h in self.hosts if h.attached), None)

    @property
    def approvable(self) -> bool:
        """What approve_requests will accept (`approval_obstacle`), as the detail's verdict
        says it. Its words speak of the host's confirmation only: of a host chosen by hand
        that already has an account, the approval says so."""
        attached = self.attached
        return (
            approval_obstacle(
                self.status,
                self.match_kind,
                attached.id if attached is not None else None,
                self.attached_by,
                host_has_account=False,
            )
            is None
        )


async def request_detail(db: Database, request_id: int) -> RequestDetail:
    """One request with each candidate host and the attached one, compared with it."""
    async with db.reading() as session:
        found = (
            await session.execute(
                select(AccountRequest, Establishment.uai)
                .join(Establishment, Establishment.id == AccountRequest.establishment_id)
                .where(AccountRequest.id == request_id)
            )
        ).one_or_none()
        if found is None:
            raise OperationalError(f"demande n° {request_id} introuvable")
        request, uai = found
        candidate_ids = (
            await session.scalars(
                select(RequestCandidate.host_id).where(RequestCandidate.request_id == request_id)
            )
        ).all()
        wanted = set(candidate_ids)
        if request.host_id is not None:
            wanted.add(request.host_id)
        hosts = (
            (await session.scalars(select(Host).where(Host.id.in_(wanted)).order_by(Host.card)))
            .unique()
            .all()
            if wanted
            else []
        )
        with_account = set(
            (
                await session.scalars(
                    select(AccountHost.host_id).where(AccountHost.host_id.in_(wanted))
                )
            ).all()
            if wanted
            else ()
        )
    last, first = fold_name(request.last_name), fold_name(request.first_name)
    views = [
        HostView(
            h.id,
            h.card,
            h.last_name,
            h.first_name,
            h.class_name,
            h.kind,
            h.mode,
            h.id in with_account,
            h.card.endswith(request.card_digits),
            h.last_folded == last,
            h.first_folded == first,
            h.id == request.host_id,
        )
        for h in hosts
    ]
    # Candidates first (by card), the host attached by hand after them.
    views.sort(key=lambda v: (v.id not in set(candidate_ids), v.card))
    return RequestDetail(
        request.id,
        uai,
        request.status,
        request.submitted_at,
        request.card_digits,
        request.last_name,
        request.first_name,
        request.email,
        request.match_kind,
        request.match_note,
        request.attached_by,
        request.decided_by,
        request.reject_reason,
        tuple(views),
    )


async def search_hosts(
    db: Database, uai: str, text: str, limit: int = SEARCH_LIMIT
) -> list[HostView]:
    """Hosts of establishment `uai` whose card holds the digits typed, or whose names hold
    every word typed (folded: accents and case aside), by name; at most `limit`."""
    words = fold_name(text).split()
    if not words:
        return []
    async with db.reading() as session:
        eid = (await require_establishment(session, uai)).id
        query = select(Host).where(Host.establishment_id == eid)
        names = Host.last_folded + " " + Host.first_folded
        for word in words:
            if word.isdigit():
                query = query.where(
                    or_(
                        Host.card.contains(word, autoescape=True),
                        names.contains(word, autoescape=True),
                    )
                )
            else:
                query = query.where(names.contains(word, autoescape=True))
        hosts = (
            await session.scalars(
                query.order_by(Host.last_folded, Host.first_folded, Host.card).limit(limit)
            )
        ).all()
        ids = [h.id for h in hosts]
        with_account = (
            set(
                (
                    await session.scalars(
                        select(AccountHost.host_id).where(AccountHost.host_id.in_(ids))
                    )
                ).all()
            )
            if ids
            else set()
        )
    return [
        HostView(
            h.id,
            h.card,
            h.last_name,
            h.first_name,
            h.class_name,
            h.kind,
            h.mode,
            h.id in with_account,
        )
        for h in hosts
    ]
