"""Matching pending requests to hosts, in bulk: a handful of queries per establishment,
never one per request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from packweb_tui.domain.matching import HostFacts, MatchKind, MatchResult, match_request
from packweb_tui.domain.names import fold_name
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.store.bulk import chunks
from packweb_tui.store.locks import take_decisions_lock
from packweb_tui.store.models import (
    AccountHost,
    AccountRequest,
    Host,
    RequestCandidate,
    table_of,
)

_REQUESTS = table_of(AccountRequest)
_CANDIDATES = table_of(RequestCandidate)


async def rematch_pending(session: AsyncSession, establishment_id: int) -> dict[MatchKind, int]:
    """Match again every pending request of an establishment and store the outcome:
    its kind and explanation, its candidates, and the attached host for `exact` (a host
    attached by an operator's hand is kept). Returns the count of each kind."""
    # Approvals and rejections claim requests under this lock: matching must not rewrite one
    # in between (PostgreSQL; SQLite's writing transactions already take turns).
    await take_decisions_lock(session)
    requests = (
        await session.execute(
            select(
                AccountRequest.id,
                AccountRequest.card_digits,
                AccountRequest.last_name,
                AccountRequest.first_name,
                AccountRequest.submitted_at,
                AccountRequest.match_kind,
                AccountRequest.match_note,
                AccountRequest.host_id,
                AccountRequest.attached_by,
            )
            .where(
                AccountRequest.establishment_id == establishment_id,
                AccountRequest.status == RequestStatus.PENDING,
            )
            .order_by(AccountRequest.submitted_at, AccountRequest.id)
        )
    ).all()
    if not requests:
        return {}
    hosts_by_suffix = await _hosts_by_suffix(
        session, establishment_id, sorted({r.card_digits for r in requests})
    )
    old_candidates = await _candidates_of(session, [r.id for r in requests])

    counts: dict[MatchKind, int] = defaultdict(int)
    first_seen: dict[tuple[str, str, str], int] = {}
    changes: list[dict[str, object]] = []
    new_candidates: dict[int, tuple[int, ...]] = {}
    for r in requests:
        last, first = fold_name(r.last_name), fold_name(r.first_name)
        person = (r.card_digits, last, first)
        older = first_seen.setdefault(person, r.id)
        duplicate_of = None if older == r.id else f"demande n° {older}"
        result = match_request(
            r.card_digits,
            last,
            first,
            f"{r.last_name.upper()} {r.first_name}",
            hosts_by_suffix.get(r.card_digits, ()),
            duplicate_of,
        )
        counts[result.kind] += 1
        candidates = tuple(sorted(h.id for h in result.candidates))
        host_id = r.host_id if r.attached_by else _attached_id(result)
        if (result.kind, result.explanation, host_id) != (r.match_kind, r.match_note, r.host_id):
            changes.append(
                {"rid": r.id, "kind": result.kind, "note": result.explanation, "host": host_id}
            )
        if candidates != old_candidates.get(r.id, ()):
            new_candidates[r.id] = candidates

    if changes:
        await session.execute(
            update(_REQUESTS)
            .where(
                _REQUESTS.c.id == bindparam("rid"),
                _REQUESTS.c.status == RequestStatus.PENDING,  # never rewrite a decided one
            )
            .values(
                match_kind=bindparam("kind"),
                match_note=bindparam("note"),
                host_id=bindparam("host"),
                version=_REQUESTS.c.version + 1,
            ),
            changes,
        )
    if new_candidates:
        for ids in chunks(list(new_candidates)):
            await session.execute(delete(_CANDIDATES).where(_CANDIDATES.c.request_id.in_(ids)))
        rows = [
            {"request_id": rid, "host_id": hid}
            for rid, hosts in new_candidates.items()
            for hid in hosts
        ]
        if rows:
            await session.execute(insert(_CANDIDATES), rows)
    return dict(counts)


def _attached_id(result: MatchResult) -> int | None:
    return result.attached.id if result.attached is not None else None


async def _hosts_by_suffix(
    session: AsyncSession, establishment_id: int, suffixes: Sequence[str]
) -> dict[str, list[HostFacts]]:
    found: dict[str, list[HostFacts]] = defaultdict(list)
    with_account: set[int] = set()
    rows: list[Any] = []
    for part in chunks(suffixes):
        rows.extend(
            (
                await session.execute(
                    select(
                        Host.id,
                        Host.card,
                        Host.card_suffix,
                        Host.last_name,
                        Host.first_name,
                        Host.last_folded,
                        Host.first_folded,
                    ).where(Host.establishment_id == establishment_id, Host.card_suffix.in_(part))
                )
            ).all()
        )
    for part in chunks([r.id for r in rows]):
        with_account.update(
            (
                await session.scalars(
                    select(AccountHost.host_id).where(AccountHost.host_id.in_(part))
                )
            ).all()
        )
    for r in rows:
        found[r.card_suffix].append(
            HostFacts(
                r.id,
                r.card,
                r.last_name,
                r.first_name,
                r.last_folded,
                r.first_folded,
                r.id in with_account,
            )
        )
    return found


async def _candidates_of(
    session: AsyncSession, request_ids: Sequence[int]
) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = defaultdict(list)
    for part in chunks(request_ids):
        for rid, hid in await session.execute(
            select(RequestCandidate.request_id, RequestCandidate.host_id)
            .where(RequestCandidate.request_id.in_(part))
            .order_by(RequestCandidate.request_id, RequestCandidate.host_id)
        ):
            found[rid].append(hid)
    return {rid: tuple(sorted(h)) for rid, h in found.items()}
