"""Approving account requests in bulk: for each one that may be approved, an account, its
initial password and its credentials letter.

Safety, on SQLite and PostgreSQL alike:
- Each request is claimed with a conditional UPDATE (still approvable, same version as when
  it was read) inside the transaction that creates its account: two operators approving
  overlapping selections at the same moment create each account once; the loser of a claim
  reports the request as taken by someone else.
- Requests are approved in batches, each one transaction holding the claims, the accounts,
  their logins, hosts and letters: a crash leaves every request fully approved or untouched,
  and running the approval again finishes the rest.
- Passwords are hashed before any transaction opens, on every core, while earlier batches are
  written; no transaction waits for a hash."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from packweb_tui.domain.credentials import first_free_login, login_base, new_password
from packweb_tui.domain.decisions import UNDECIDED, SkipReason
from packweb_tui.domain.letters import subject_for
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.domain.states import CredentialsState, LetterState, OutboxKind, OutboxStatus
from packweb_tui.domain.wording import agree, plural
from packweb_tui.services import audit
from packweb_tui.services.decisions.selection import (
    APPROVABLE,
    SelectedRequest,
    Skipped,
    outcome_lines,
    read_selection,
)
from packweb_tui.services.establishments import require_establishment
from packweb_tui.services.matching import rematch_pending
from packweb_tui.services.passwords import hash_batches
from packweb_tui.store.bulk import chunks
from packweb_tui.store.database import Database
from packweb_tui.store.locks import take_decisions_lock
from packweb_tui.store.models import (
    AccountHost,
    AccountRequest,
    Establishment,
    Letter,
    OutboxMessage,
    PortalAccount,
    UsedLogin,
    table_of,
)
from packweb_tui.store.types import utcnow

# Requests approved per transaction: small enough that a crash loses little and a progress bar
# moves, large enough that each transaction's fixed cost does not count.
BATCH_SIZE = 100

_REQUESTS = table_of(AccountRequest)
_ACCOUNTS = table_of(PortalAccount)
_LETTERS = table_of(Letter)

# The claim of a request for approval: still approvable (pending, its host still without an
# account...), unchanged since it was read. One statement, so that no other writer can come
# in between; exactly one row updated means the request is ours.
_CLAIM = (
    update(_REQUESTS)
    .where(
        _REQUESTS.c.id == bindparam("rid"),
        _REQUESTS.c.version == bindparam("v"),
        APPROVABLE,
    )
    .values(
        status=bindparam("status"),
        decided_at=bindparam("at"),
        decided_by=bindparam("by"),
        version=_REQUESTS.c.version + 1,
    )
)

Progress = Callable[[int, int], object]
"""`progress(done, total)`: requests processed so far, of those that can be approved."""


@dataclass(frozen=True, slots=True)
class ApprovalItem:
    """A request that can be approved, as read before the approval starts."""

    request_id: int
    version: int
    establishment_id: int
    host_id: int
    last_name: str  # the card holder's names, as the canteen system spells them
    first_name: str
    email: str

    @classmethod
    def of(cls, request: SelectedRequest) -> ApprovalItem:
        """The item of a request that may be approved (so it has a host)."""
        assert request.host_id is not None and request.host_last_name is not None
        assert request.host_first_name is not None
        return cls(
            request.id,
            request.version,
            request.establishment_id,
            request.host_id,
            request.host_last_name,
            request.host_first_name,
            request.email,
        )


@dataclass
class ApprovalPlan:
    """What an approval of a selection would do: the requests it would approve and those it
    would leave aside, with why. The console shows it in its confirmation."""

    items: list[ApprovalItem]
    skipped: list[Skipped]
    establishment_ids: set[int]

    def skipped_counts(self) -> dict[SkipReason, int]:
        return _counts(self.skipped)

    def summary(self) -> str:
        text = f"{plural(len(self.items), 'compte')} à créer"
        if self.skipped:
            ignored = plural(len(self.skipped), "ligne ignorée", "lignes ignorées")
            text += f" ; {ignored} (" + _reasons(self.skipped) + ")"
        return text + "."


@dataclass(frozen=True, slots=True)
class CreatedAccount:
    request_id: int
    account_id: int
    letter_id: int
    login: str


@dataclass
class ApprovalReport:
    """What an approval did. The plain passwords are in the letters only."""

    requested: int
    created: list[CreatedAccount] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def skipped_counts(self) -> dict[SkipReason, int]:
        return _counts(self.skipped)

    def summary_lines(self) -> list[str]:
        """French lines for an operator: what was created, what was left and why."""
        return outcome_lines(
            f"{plural(len(self.created), 'compte créé', 'comptes créés')}, "
            f"{agree(len(self.created), 'avec sa', 'chacun avec sa')} lettre d'identifiants "
            "en attente d'envoi."
            if self.created
            else "Aucun compte créé.",
            self.skipped,
        )


def _counts(skipped: Iterable[Skipped]) -> dict[SkipReason, int]:
    counts: dict[SkipReason, int] = defaultdict(int)
    for s in skipped:
        counts[s.reason] += 1
    return dict(counts)


def _reasons(skipped: Iterable[Skipped]) -> str:
    return " ; ".join(reason.counted(n) for reason, n in _counts(skipped).items())


async def pending_exact_ids(db: Database, uai: str | None = None) -> list[int]:
    """Every undecided request whose match is `exact` (of one establishment if `uai`), oldest
    first: what `requests approve --all-exact` takes. Not only the approvable ones: an exact
    request whose host got an account since is then listed by the approval with its reason."""
    query = (
        select(AccountRequest.id)
        .where(AccountRequest.status == UNDECIDED, AccountRequest.match_kind == MatchKind.EXACT)
        .order_by(AccountRequest.submitted_at, AccountRequest.id)
    )
    async with db.reading() as session:
        if uai is not None:
            establishment = await require_establishment(session, uai)
            query = query.where(AccountRequest.establishment_id == establishment.id)
        return list((await session.scalars(query)).all())


async def plan_approval(
    db: Database, request_ids: Iterable[int], uai: str | None = None
) -> ApprovalPlan:
    """Read the selected requests and sort them into those an approval would take and those
    it would leave aside (see `approval_obstacle`). InputError for unknown ids."""
    async with db.reading() as session:
        selected = await read_selection(session, request_ids, uai)
    items: list[ApprovalItem] = []
    skipped: list[Skipped] = []
    hosts_taken: set[int] = set()
    # By id: of two selected requests for one host, the older gets the account.
    for r in selected:
        reason = r.obstacle
        if reason is None and r.host_id in hosts_taken:
            reason = SkipReason.SAME_HOST
        if reason is not None:
            skipped.append(Skipped(r.id, reason))
            continue
        item = ApprovalItem.of(r)
        hosts_taken.add(item.host_id)
        items.append(item)
    return ApprovalPlan(items, skipped, {r.establishment_id for r in selected})


async def approve_requests(
    db: Database,
    request_ids: Iterable[int],
    operator: str,
    progress: Progress | None = None,
    *,
    uai: str | None = None,
    batch_size: int = BATCH_SIZE,
) -> ApprovalReport:
    """Create a portal account for each selected request that can be approved: a unique
    login from the card holder's names, a fresh initial password (only its argon2id hash is
    stored with the account; the plain one waits in the account's letter until delivery),
    the host linked, the request marked approved, an audit entry. The others are left as they
    are and listed in the report with why. `progress(done, total)` is called once before the
    first batch, then after each batch. Afterwards, the pending requests of the
    establishments concerned are matched again (a host with an account now is `has_account`).
    InputError, and nothing done, if an id names no request (or one of another
    establishment than `uai`)."""
    plan = await plan_approval(db, request_ids, uai)
    report = ApprovalReport(requested=len(plan.items) + len(plan.skipped))
    report.skipped.extend(plan.skipped)
    batches = _batches(plan.items, batch_size)
    passwords = [[new_password() for _ in batch] for batch in batches]
    total, done = len(plan.items), 0
    if progress is not None:
        progress(done, total)
    async with aclosing(hash_batches(passwords)) as hashed_batches:
        index = 0
        async for hashes in hashed_batches:
            batch = batches[index]
            await _approve_batch(db, batch, passwords[index], hashes, operator, report)
            index += 1
            done += len(batch)
            if progress is not None:
                progress(done, total)
    async with db.writing() as session:
        for establishment_id in sorted(plan.establishment_ids):
            await rematch_pending(session, establishment_id)
    return report


def _batches(items: Sequence[ApprovalItem], size: int) -> list[list[ApprovalItem]]:
    """Items cut in batches of `size`, each of one establishment (its audit entry names it)."""
    by_establishment: dict[int, list[ApprovalItem]] = defaultdict(list)
    for item in items:
        by_establishment[item.establishment_id].append(item)
    return [
        list(part)
        for _, group in sorted(by_establishment.items())
        for part in chunks(group, max(1, size))
    ]


async def _approve_batch(
    db: Database,
    batch: Sequence[ApprovalItem],
    passwords: Sequence[str],
    hashes: Sequence[str],
    operator: str,
    report: ApprovalReport,
) -> None:
    """One transaction: claim each request of the batch, then create the accounts of those
    claimed. The report learns of it only once committed."""
    created: list[CreatedAccount] = []
    skipped: list[Skipped] = []
    async with db.writing() as session:
        # Taken before the claims: logins and hosts' accounts are then read and written by
        # one approval at a time.
        await take_decisions_lock(session)
        now = utcnow()
        claimed: list[tuple[ApprovalItem, str, str]] = []
        lost: list[ApprovalItem] = []
        connection = await session.connection()  # Core, one statement built once: a claim
        # costs a round trip, not a statement's construction.
        values = {"status": RequestStatus.APPROVED, "at": now, "by": operator}
        # In id order, so that concurrent approvals lock their rows in one order.
        for item, password, password_hash in sorted(
            zip(batch, passwords, hashes, strict=True), key=lambda t: t[0].request_id
        ):
            result = await connection.execute(
                _CLAIM,
                {"rid": item.request_id, "v": item.version, **values},
            )
            if result.rowcount == 1:
                claimed.append((item, password, password_hash))
            else:
                lost.append(item)
        skipped.extend(await _why_lost(session, lost))
        if claimed:
            created = await _create_accounts(session, claimed, operator, now)
            audit.record(
                session,
                operator,
                "requests.approve",
                "account_request",
                [c.request_id for c in created],
                batch[0].establishment_id,
                accounts=[c.account_id for c in created],
                logins=[c.login for c in created],
            )
    report.created.extend(created)
    report.skipped.extend(skipped)


async def _why_lost(session: AsyncSession, lost: Sequence[ApprovalItem]) -> list[Skipped]:
    """Why claims failed: the request was decided since it was read (by someone else), its
    host got an account, or it changed (another host attached, matched again)."""
    if not lost:
        return []
    statuses = dict(
        (
            await session.execute(
                select(AccountRequest.id, AccountRequest.status).where(
                    AccountRequest.id.in_([i.request_id for i in lost])
                )
            )
        ).all()
    )
    with_account = await _hosts_with_account(session, [i.host_id for i in lost])
    return [
        Skipped(
            i.request_id,
            SkipReason.TAKEN
            if statuses.get(i.request_id) is not RequestStatus.PENDING
            else SkipReason.HAS_ACCOUNT
            if i.host_id in with_account
            else SkipReason.CHANGED,
        )
        for i in lost
    ]


async def _create_accounts(
    session: AsyncSession,
    claimed: Sequence[tuple[ApprovalItem, str, str]],
    operator: str,
    now: datetime,
) -> list[CreatedAccount]:
    bases = [login_base(item.last_name, item.first_name) for item, _, _ in claimed]
    taken = await _logins_starting_with(session, set(bases))
    logins: list[str] = []
    for base in bases:
        login = first_free_login(base, taken)
        taken.add(login)
        logins.append(login)
    paired = list(zip(claimed, logins, strict=True))  # each claimed request with its login
    account_ids: dict[str, int] = dict(
        (
            await session.execute(
                insert(_ACCOUNTS).returning(_ACCOUNTS.c.login, _ACCOUNTS.c.id),
                [
                    {
                        "establishment_id": item.establishment_id,
                        "login": login,
                        "password_hash": password_hash,
                        "email": item.email,
                        "must_change_password": True,
                        "enabled": True,
                        "credentials": CredentialsState.TO_SEND,
                        "created_at": now,
                        "created_by": operator,
                        "updated_at": now,
                    }
                    for (item, _, password_hash), login in paired
                ],
            )
        ).all()
    )
    await session.execute(
        insert(table_of(UsedLogin)), [{"login": login, "created_at": now} for login in logins]
    )
    await session.execute(
        insert(table_of(AccountHost)),
        [
            {"account_id": account_ids[login], "host_id": item.host_id}
            for (item, _, _), login in paired
        ],
    )
    letter_ids: dict[int, int] = dict(
        (
            await session.execute(
                insert(_LETTERS).returning(_LETTERS.c.account_id, _LETTERS.c.id),
                [
                    {
                        "account_id": account_ids[login],
                        "state": LetterState.PENDING,
                        "password_plain": password,
                        "created_at": now,
                        "created_by": operator,
                    }
                    for (_, password, _), login in paired
                ],
            )
        ).all()
    )
    # One email a letter, queued with its account: the sender composes it (text, HTML, the
    # letter as PDF) from the letter when it delivers it.
    names = dict(
        (
            await session.execute(
                select(Establishment.id, Establishment.name).where(
                    Establishment.id.in_({item.establishment_id for (item, _, _), _ in paired})
                )
            )
        ).all()
    )
    await session.execute(
        insert(table_of(OutboxMessage)),
        [
            {
                "kind": OutboxKind.LETTER,
                "letter_id": letter_ids[account_ids[login]],
                "to_addr": item.email,
                "subject": subject_for(names[item.establishment_id]),
                "body": "",
                "status": OutboxStatus.QUEUED,
                "attempts": 0,
                "created_at": now,
                "next_attempt_at": now,
            }
            for (item, _, _), login in paired
        ],
    )
    await session.execute(
        update(_REQUESTS)
        .where(_REQUESTS.c.id == bindparam("rid"))
        .values(account_id=bindparam("aid")),
        [{"rid": item.request_id, "aid": account_ids[login]} for (item, _, _), login in paired],
    )
    return [
        CreatedAccount(item.request_id, account_ids[login], letter_ids[account_ids[login]], login)
        for (item, _, _), login in paired
    ]


async def _hosts_with_account(session: AsyncSession, host_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(sorted(set(host_ids))):
        found.update(
            (
                await session.scalars(
                    select(AccountHost.host_id).where(AccountHost.host_id.in_(part))
                )
            ).all()
        )
    return found


async def _logins_starting_with(session: AsyncSession, bases: set[str]) -> set[str]:
    """Every login ever given that starts with one of `bases`: those and their numbered
    followers (`base2`...). Logins hold only a-z, 0-9, `.` and `-`, never a LIKE wildcard."""
    found: set[str] = set()
    for part in chunks(sorted(bases), 100):
        found.update(
            (
                await session.scalars(
                    select(UsedLogin.login).where(
                        or_(*(UsedLogin.login.like(f"{base}%") for base in part))
                    )
                )
            ).all()
        )
    return found
