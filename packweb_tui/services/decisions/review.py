"""The review of the requests that need an eye, one at a time (the console's review): the
approval of one request with the host the operator picked on screen, and the rejection of
those left whose kind alone says why, each with that kind's reason."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select

from packweb_tui.domain.decisions import KIND_REASONS, SETTLED_KINDS, SkipReason
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.services.decisions.approve import ApprovalReport, approve_requests
from packweb_tui.services.decisions.host_choice import attach_host
from packweb_tui.services.decisions.reject import RejectionReport, reject_requests
from packweb_tui.services.decisions.selection import Skipped, read_requests, read_selection
from packweb_tui.store.database import Database
from packweb_tui.store.models import AccountHost


async def approve_with_host(
    db: Database, request_id: int, host_id: int, operator: str, *, uai: str
) -> ApprovalReport:
    """Approve one pending request for `host_id`, the host the operator chose on screen by
    their own key on that request: the host is attached by their hand (unless it is already
    the request's confirmed host), then the request goes through the bulk approval
    (`approve_requests`) and its checks; what it left aside, and why, is in the report (a
    host that has an account already is not even attached).
    InputError if the request is not pending, or the host not of its establishment."""
    async with db.reading() as session:
        found = await read_requests(session, [request_id])
        has_account = await session.scalar(select(exists().where(AccountHost.host_id == host_id)))
    if has_account:  # not even attached: the approval would leave it aside
        report = ApprovalReport(requested=1)
        report.skipped.append(Skipped(request_id, SkipReason.HAS_ACCOUNT))
        return report
    confirmed = bool(found) and found[0].host_id == host_id and found[0].obstacle is None
    if not confirmed:
        await attach_host(db, request_id, host_id, operator)
    return await approve_requests(db, [request_id], operator, uai=uai)


@dataclass(frozen=True, slots=True)
class KindRejection:
    """The pending requests of one kind, and the reason they would be rejected for."""

    kind: MatchKind
    reason: str
    request_ids: tuple[int, ...]


async def settled_rejections(
    db: Database, request_ids: Iterable[int], uai: str
) -> list[KindRejection]:
    """Of the selected requests, those still pending whose kind alone says why they cannot
    be approved (`SETTLED_KINDS`), read now (a decision may have changed a kind: a duplicate
    whose older request was approved has an account now), grouped by kind with its reason."""
    async with db.reading() as session:
        selected = await read_selection(session, request_ids, uai)
    by_kind: dict[MatchKind, list[int]] = defaultdict(list)
    for r in selected:
        if r.status is RequestStatus.PENDING and r.match_kind in SETTLED_KINDS:
            by_kind[r.match_kind].append(r.id)
    return [
        KindRejection(kind, KIND_REASONS[kind], tuple(by_kind[kind]))
        for kind in MatchKind
        if by_kind.get(kind)
    ]


async def reject_by_kind(
    db: Database, groups: Sequence[KindRejection], operator: str, *, uai: str
) -> RejectionReport:
    """Reject each group with its reason (`reject_requests`, one transaction a group); one
    report for them all."""
    report = RejectionReport(requested=sum(len(g.request_ids) for g in groups))
    for group in groups:
        done = await reject_requests(db, group.request_ids, group.reason, operator, uai=uai)
        report.rejected.extend(done.rejected)
        report.skipped.extend(done.skipped)
    report.rejected.sort()
    return report
