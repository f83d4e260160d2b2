"""The pending requests of one establishment as light rows, the Demandes pane's table.

Built from the plain rows of store/queries.py, whichever way they were read: through
SQLAlchemy (services/queue.py, every read once the store is open) or, while the console
starts, by the standard library from a SQLite file (`start_snapshot`: the first page). This
module imports no SQLAlchemy, so that the first rows can be painted before it has loaded."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from packweb_tui.domain.decisions import UNDECIDED, approval_obstacle
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.requests import ANSWER_DELAY_HOURS


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One pending request, as a line of the table. Texts are as typed (untrusted)."""

    id: int
    submitted_at: datetime
    card_digits: str
    last_name: str
    first_name: str
    email: str
    match_kind: MatchKind
    explanation: str
    host_id: int | None
    host_card: str | None
    host_name: str | None  # "DUPONT Marie-Hélène"
    attached_by: str | None  # the operator who attached the host by hand, if any
    candidates: tuple[str, ...]  # the candidate hosts' cards

    @property
    def approvable(self) -> bool:
        """What approve_requests will accept (`approval_obstacle`): `exact`, or a host
        attached by hand. The queue does not read the hosts' accounts: matching already
        classes an automatic match to a host with one as `has_account`, and of a host chosen
        by hand that has one, the approval says so."""
        return (
            approval_obstacle(
                UNDECIDED, self.match_kind, self.host_id, self.attached_by, host_has_account=False
            )
            is None
        )


@dataclass(frozen=True, slots=True)
class Queue:
    uai: str
    rows: list[QueueRow]  # oldest first


def _host_name(last: str | None, first: str | None) -> str | None:
    if last is None:
        return None
    return f"{last.upper()} {first or ''}".strip()


def _instant(value: datetime | str) -> datetime:
    """An instant as the driver gives it (SQLite: naive UTC text), aware in UTC."""
    if isinstance(value, str):  # parsed with its zone: 10,000 .replace() calls cost 15 ms
        value = datetime.fromisoformat(value if "+" in value[10:] else value + "+00:00")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def build_queue(
    uai: str, rows: Iterable[Sequence[Any]], candidates: Iterable[Sequence[Any]]
) -> Queue:
    """The queue from the rows of queries.PENDING_ROWS and PENDING_CANDIDATES."""
    cards: dict[int, list[str]] = defaultdict(list)
    for rid, card in candidates:
        cards[rid].append(card)
    kinds = {kind.value: kind for kind in MatchKind}
    return Queue(
        uai,
        [
            QueueRow(
                rid,
                _instant(submitted),
                digits,
                last,
                first,
                email,
                kinds[kind],
                note,
                host_id,
                host_card,
                _host_name(host_last, host_first),
                attached_by,
                tuple(cards.get(rid, ())),
            )
            for (
                rid,
                submitted,
                digits,
                last,
                first,
                email,
                kind,
                note,
                host_id,
                host_card,
                host_last,
                host_first,
                attached_by,
            ) in rows
        ],
    )


@dataclass(frozen=True, slots=True)
class StartSnapshot:
    """What the console shows before the store is open: the establishment, how many
    requests wait, and the first page of them."""

    uai: str
    name: str
    queue: Queue  # the oldest requests, FIRST_PAGE at most
    total: int
    late: int  # waiting for more than the 48 hours promised

    @property
    def complete(self) -> bool:
        return len(self.queue.rows) == self.total


def start_snapshot(url: str, preferred_uai: str | None, now: datetime) -> StartSnapshot | None:
    """Read the first page of the queue of `preferred_uai` (else of the first establishment)
    from the SQLite file at `url`, without SQLAlchemy; None when that is not possible
    (PostgreSQL, a new file, an older schema, no establishment): the console then waits for
    the store. Blocking: run it in a thread."""
    from packweb_tui.store.snapshot import read_snapshot, sqlite_file

    path = sqlite_file(url)
    late_before = now - timedelta(hours=ANSWER_DELAY_HOURS)
    snapshot = read_snapshot(path, preferred_uai, late_before) if path is not None else None
    if snapshot is None or snapshot.uai is None:
        return None
    name = dict(snapshot.establishments)[snapshot.uai]
    queue = build_queue(snapshot.uai, snapshot.rows, snapshot.candidates)
    return StartSnapshot(snapshot.uai, name, queue, snapshot.total, snapshot.late)
