"""The requests an operator decides on, as every decision reads them (one reader, one check
of the selection), the requests it leaves aside and why, and the rule of which requests may
be approved in SQL (`APPROVABLE`), the twin of `approval_obstacle`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from packweb_tui.domain.decisions import (
    CONFIRMING_KINDS,
    UNDECIDED,
    SkipReason,
    approval_obstacle,
)
from packweb_tui.domain.errors import InputError
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.domain.wording import agree, plural
from packweb_tui.services.establishments import require_establishment
from packweb_tui.store.bulk import chunks
from packweb_tui.store.models import (
    AccountHost,
    AccountRequest,
    Establishment,
    Host,
    PortalSettings,
    table_of,
)

_REQUESTS = table_of(AccountRequest)
_ACCOUNT_HOSTS = table_of(AccountHost)

# `approval_obstacle(...) is None` in SQL, from the same constants: still undecided, with a
# host that has no account yet, confirmed by a match of CONFIRMING_KINDS or by an operator's
# hand. `attached_by <> ''` is false for NULL as for an empty name, as `not attached_by` is.
# A condition on account_requests: its subquery follows the request of the enclosing
# SELECT or UPDATE. The kinds are compared one by one rather than with IN: plain parameters,
# no list to expand each time the approval's claim (an UPDATE a request) runs.
APPROVABLE: ColumnElement[bool] = and_(
    _REQUESTS.c.status == UNDECIDED,
    _REQUESTS.c.host_id.is_not(None),
    ~exists().where(_ACCOUNT_HOSTS.c.host_id == _REQUESTS.c.host_id),
    or_(
        *(_REQUESTS.c.match_kind == kind for kind in sorted(CONFIRMING_KINDS)),
        _REQUESTS.c.attached_by != "",
    ),
)


@dataclass(frozen=True, slots=True)
class SelectedRequest:
    """A request as a decision reads it: what the rule of approval reads, what the requester
    is told, and the names of its host."""

    id: int
    status: RequestStatus
    version: int
    establishment_id: int
    match_kind: MatchKind
    host_id: int | None
    attached_by: str | None  # the operator who chose the host by hand, if one did
    host_has_account: bool
    email: str
    last_name: str  # as the requester typed them
    first_name: str
    card_digits: str
    host_last_name: str | None  # the card holder's names, as the canteen system spells them
    host_first_name: str | None
    establishment: str  # its name
    school_email: str | None  # the establishment's contact, if it gave one

    @property
    def obstacle(self) -> SkipReason | None:
        """Why an approval would leave it aside; None if it would approve it."""
        return approval_obstacle(
            self.status, self.match_kind, self.host_id, self.attached_by, self.host_has_account
        )


def unchanged(request: SelectedRequest) -> ColumnElement[bool]:
    """The condition of a write to `request`: still pending and as it was read (same
    version). A write that changes no row means that someone came in between."""
    return and_(
        _REQUESTS.c.id == request.id,
        _REQUESTS.c.status == RequestStatus.PENDING,
        _REQUESTS.c.version == request.version,
    )


# Each column named as SelectedRequest's field.
_SELECTED = (
    select(
        AccountRequest.id,
        AccountRequest.status,
        AccountRequest.version,
        AccountRequest.establishment_id,
        AccountRequest.match_kind,
        AccountRequest.host_id,
        AccountRequest.attached_by,
        exists().where(AccountHost.host_id == AccountRequest.host_id).label("host_has_account"),
        AccountRequest.email,
        AccountRequest.last_name,
        AccountRequest.first_name,
        AccountRequest.card_digits,
        Host.last_name.label("host_last_name"),
        Host.first_name.label("host_first_name"),
        Establishment.name.label("establishment"),
        PortalSettings.school_email,
    )
    .join(Establishment, Establishment.id == AccountRequest.establishment_id)
    .outerjoin(Host, Host.id == AccountRequest.host_id)
    .outerjoin(PortalSettings, PortalSettings.establishment_id == AccountRequest.establishment_id)
)


async def read_requests(session: AsyncSession, ids: Sequence[int]) -> list[SelectedRequest]:
    """The requests of `ids` that exist, by id."""
    found: list[SelectedRequest] = []
    for part in chunks(ids):
        rows = await session.execute(_SELECTED.where(AccountRequest.id.in_(part)))
        found.extend(SelectedRequest(**row._mapping) for row in rows)
    found.sort(key=lambda r: r.id)
    return found


async def read_selection(
    session: AsyncSession, request_ids: Iterable[int], uai: str | None
) -> list[SelectedRequest]:
    """The selected requests, each once, by id. InputError, and nothing is done, for an
    empty selection, an id that names no request, or a request of another establishment than
    `uai`."""
    wanted = list(dict.fromkeys(request_ids))
    if not wanted:
        raise InputError("aucune demande indiquée")
    selected = await read_requests(session, wanted)
    found = {r.id: r.establishment_id for r in selected}
    if unknown := [i for i in wanted if i not in found]:
        unknown_ = agree(len(unknown), "demande inconnue", "demandes inconnues")
        raise InputError(f"{unknown_} : " + ", ".join(f"n° {i}" for i in unknown))
    if uai is not None:
        establishment = await require_establishment(session, uai)
        if elsewhere := [i for i in wanted if found[i] != establishment.id]:
            raise InputError(
                ", ".join(f"n° {i}" for i in elsewhere)
                + f" : {agree(len(elsewhere), 'demande', 'demandes')} d'un autre "
                f"établissement que {establishment.uai}"
            )
    return selected


@dataclass(frozen=True, slots=True)
class Skipped:
    """A selected request a decision left as it was, and why."""

    request_id: int
    reason: SkipReason


def outcome_lines(head: str, skipped: Sequence[Skipped]) -> list[str]:
    """A decision's French report: `head`, then the requests left aside, by reason."""
    lines = [head]
    if skipped:
        lines.append(f"{plural(len(skipped), 'ligne ignorée', 'lignes ignorées')} :")
        by_reason: dict[SkipReason, list[int]] = defaultdict(list)
        for s in skipped:
            by_reason[s.reason].append(s.request_id)
        lines.extend(
            f"  {reason.counted(len(ids))} — " + ", ".join(f"n° {i}" for i in sorted(ids))
            for reason, ids in by_reason.items()
        )
    return lines
