"""Rejecting account requests: each requester is told why by email (queued in the outbox)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import update

from packweb_tui.domain.decisions import SkipReason, check_rejection_reason, rejection_message
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.domain.states import OutboxKind, OutboxStatus
from packweb_tui.domain.wording import agree, plural
from packweb_tui.services import audit
from packweb_tui.services.decisions.selection import (
    Skipped,
    outcome_lines,
    read_selection,
    unchanged,
)
from packweb_tui.services.matching import rematch_pending
from packweb_tui.store.database import Database
from packweb_tui.store.locks import take_decisions_lock
from packweb_tui.store.models import AccountRequest, OutboxMessage, table_of
from packweb_tui.store.types import utcnow

_REQUESTS = table_of(AccountRequest)


@dataclass
class RejectionReport:
    requested: int
    rejected: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        return outcome_lines(
            f"{plural(len(self.rejected), 'demande refusée', 'demandes refusées')}, "
            f"{agree(len(self.rejected), 'le demandeur', 'chaque demandeur')} prévenu par "
            "courriel (message en file d'attente)."
            if self.rejected
            else "Aucune demande refusée.",
            self.skipped,
        )


async def reject_requests(
    db: Database,
    request_ids: Iterable[int],
    reason: str,
    operator: str,
    *,
    uai: str | None = None,
) -> RejectionReport:
    """Reject the selected pending requests with `reason` (required: the requester reads
    it), in one transaction: each is marked rejected, an email telling its requester is
    queued in the outbox, an audit entry is kept, and the pending requests of the
    establishments concerned are matched again (a duplicate may no longer be one). Requests
    already decided are listed in the report. InputError, and nothing done, for an empty
    reason or an id that names no request."""
    text = check_rejection_reason(reason)
    rejected: dict[int, list[int]] = defaultdict(list)
    skipped: list[Skipped] = []
    async with db.writing() as session:
        await take_decisions_lock(session)
        selected = await read_selection(session, request_ids, uai)
        now = utcnow()
        for r in selected:
            if r.status is not RequestStatus.PENDING:
                skipped.append(Skipped(r.id, SkipReason.DECIDED))
                continue
            result = await session.execute(
                update(_REQUESTS)
                .where(unchanged(r))
                .values(
                    status=RequestStatus.REJECTED,
                    reject_reason=text,
                    decided_at=now,
                    decided_by=operator,
                    version=_REQUESTS.c.version + 1,
                )
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                skipped.append(Skipped(r.id, SkipReason.CHANGED))
                continue
            subject, body = rejection_message(
                r.establishment, r.last_name, r.first_name, r.card_digits, text, r.school_email
            )
            session.add(
                OutboxMessage(
                    kind=OutboxKind.REJECTION,
                    request_id=r.id,
                    to_addr=r.email,
                    subject=subject,
                    body=body,
                    status=OutboxStatus.QUEUED,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
            rejected[r.establishment_id].append(r.id)
        for establishment_id, request_ids_ in sorted(rejected.items()):
            audit.record(
                session,
                operator,
                "requests.reject",
                "account_request",
                request_ids_,
                establishment_id,
                reason=text,
            )
            await rematch_pending(session, establishment_id)
    return RejectionReport(
        requested=len(selected),
        rejected=sorted(i for ids in rejected.values() for i in ids),
        skipped=skipped,
    )
