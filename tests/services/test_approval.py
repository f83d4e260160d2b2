"""Deciding account requests: approval, rejection, hand attachment, on SQLite and PostgreSQL;
password hashing; the rules of decisions (pure)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from packweb_tui.domain.credentials import PASSWORD_PATTERN
from packweb_tui.domain.decisions import (
    REJECTION_REASONS,
    UNDECIDED,
    SkipReason,
    approval_obstacle,
    check_rejection_reason,
    rejection_message,
)
from packweb_tui.domain.errors import InputError
from packweb_tui.domain.hostfile import parse_hosts
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.requests import RequestStatus, parse_request_items
from packweb_tui.domain.states import CredentialsState, LetterState, OutboxStatus
from packweb_tui.services import passwords
from packweb_tui.services.accounts import list_accounts
from packweb_tui.services.decisions.approve import (
    approve_requests,
    pending_exact_ids,
    plan_approval,
)
from packweb_tui.services.decisions.host_choice import attach_host, detach_host
from packweb_tui.services.decisions.reject import reject_requests
from packweb_tui.services.decisions.selection import APPROVABLE, read_requests
from packweb_tui.services.establishments import add_establishment
from packweb_tui.services.hosts import import_hosts
from packweb_tui.services.requests import import_requests
from packweb_tui.store.database import Database
from packweb_tui.store.locks import take_decisions_lock
from packweb_tui.store.models import (
    AccountHost,
    AccountRequest,
    AuditEntry,
    Host,
    Letter,
    OutboxMessage,
    PortalAccount,
    UsedLogin,
    table_of,
)
from packweb_tui.store.types import utcnow

UAI = "0750655E"
OTHER = "0010001W"
HOSTS = (
    "uai;carte;nom;prenom;type;mode\n"
    f"{UAI};100001;Dupont;Marie-Hélène;eleve;prepaye\n"
    f"{UAI};100002;Durand;Sophie;eleve;forfait\n"
    f"{UAI};100003;Martin;Léo;eleve;prepaye\n"
    f"{UAI};100004;Dupont;Marie-Hélène;eleve;prepaye\n"
    f"{UAI};100005;Petit;Jules;commensal;prepaye\n"
    f"{OTHER};200001;Bernard;Paul;eleve;prepaye\n"
)
# portal id → (card digits, last name, first name): one request of each situation.
REQUESTS = {
    "exact-1": ("00001", "DUPONT", "Marie Helene"),
    "exact-2": ("00002", "Durand", "Sophie"),
    "probable-3": ("00003", "Martn", "Léo"),  # a typo: the operator must look
    "exact-4": ("00004", "Dupont", "Marie-Hélène"),  # same names as exact-1, another card
    "mismatch-5": ("00005", "Bernard", "Paul"),  # the card of someone else
    "none-6": ("99999", "Inconnu", "Personne"),
    "duplicate-7": ("00002", "DURAND", "sophie"),  # exact-2 again, sent later
}


def request_items(items: dict[str, tuple[str, str, str]], uai: str = UAI) -> list[Any]:
    return [
        {
            "portal_id": pid,
            "uai": uai,
            "card_digits": digits,
            "last_name": last,
            "first_name": first,
            "email": f"{pid}@exemple.fr",
            "submitted_at": f"2026-09-01T08:{n:02d}:00+02:00",
        }
        for n, (pid, (digits, last, first)) in enumerate(items.items())
    ]


async def setup(db: Database) -> dict[str, int]:
    """The establishments, hosts and requests above; portal id → request id."""
    await add_establishment(db, UAI, "Lycée Victor-Hugo", "alice")
    await add_establishment(db, OTHER, "Collège Jean-Moulin", "alice")
    await import_hosts(db, parse_hosts(HOSTS.encode(), "h.csv"), "alice", "h.csv")
    records = parse_request_items(request_items(REQUESTS), "r.json")
    await import_requests(db, records, "alice", "r.json")
    async with db.reading() as session:
        rows = await session.execute(select(AccountRequest.portal_id, AccountRequest.id))
        return {pid: rid for pid, rid in rows}


async def host_id(db: Database, card: str) -> int:
    async with db.reading() as session:
        found = await session.scalar(select(Host.id).where(Host.card == card))
    assert found is not None
    return found


async def request_row(db: Database, request_id: int) -> Any:
    async with db.reading() as session:
        return (
            await session.execute(
                select(AccountRequest.__table__).where(AccountRequest.id == request_id)
            )
        ).one()


async def count(db: Database, model: Any) -> int:
    async with db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def reasons(skipped: Sequence[Any]) -> dict[int, SkipReason]:
    return {s.request_id: s.reason for s in skipped}


# --- the rules (pure) -----------------------------------------------------------------------
class TestRules:
    @pytest.mark.parametrize(
        ("status", "kind", "host", "by", "has_account", "expected"),
        [
            (RequestStatus.PENDING, MatchKind.EXACT, 1, None, False, None),
            (RequestStatus.PENDING, MatchKind.PROBABLE, 1, "alice", False, None),
            (RequestStatus.PENDING, MatchKind.MISMATCH, 1, "alice", False, None),
            (RequestStatus.PENDING, MatchKind.PROBABLE, None, None, False, "not_confirmed"),
            (RequestStatus.PENDING, MatchKind.AMBIGUOUS, None, None, False, "not_confirmed"),
            (RequestStatus.PENDING, MatchKind.DUPLICATE, None, None, False, "not_confirmed"),
            (RequestStatus.PENDING, MatchKind.EXACT, None, None, False, "not_confirmed"),
            (RequestStatus.PENDING, MatchKind.HAS_ACCOUNT, 1, None, True, "has_account"),
            (RequestStatus.PENDING, MatchKind.PROBABLE, 1, "alice", True, "has_account"),
            (RequestStatus.APPROVED, MatchKind.EXACT, 1, None, True, "decided"),
            (RequestStatus.REJECTED, MatchKind.EXACT, 1, None, False, "decided"),
        ],
    )
    def test_what_may_be_approved(
        self,
        status: RequestStatus,
        kind: MatchKind,
        host: int | None,
        by: str | None,
        has_account: bool,
        expected: str | None,
    ) -> None:
        assert approval_obstacle(status, kind, host, by, has_account) == expected

    def test_every_reason_has_french_words(self) -> None:
        assert all(reason.label and reason.label[0].islower() for reason in SkipReason)

    def test_rejection_reason_is_required(self) -> None:
        assert check_rejection_reason("  Demande   en double\n") == "Demande en double"
        for empty in ("", "   ", "\n\t"):
            with pytest.raises(InputError, match="motif de refus vide"):
                check_rejection_reason(empty)
        with pytest.raises(InputError, match="trop long"):
            check_rejection_reason("x" * 501)
        assert all(check_rejection_reason(r) == r for r in REJECTION_REASONS)

    def test_rejection_message(self) -> None:
        subject, body = rejection_message(
            "Lycée Victor-Hugo",
            "Dupont",
            "Marie-Hélène",
            "00001",
            "Demande en double",
            "intendance@lycee.fr",
        )
        assert subject == "Demande de compte non acceptée — Lycée Victor-Hugo"
        assert "cantine (Lycée Victor-Hugo) pour Marie-Hélène DUPONT (carte se terminant" in body
        assert "motif suivant :\nDemande en double\n" in body
        assert "(intendance@lycee.fr)" in body
        # Its Reply-To is the school's address: an answer is welcome then, not otherwise.
        assert "Vous pouvez répondre à ce courriel" in body and "ne pas y répondre" not in body
        _, anonymous = rejection_message("Lycée", "Dupont", "Marie", "00001", "Motif")
        assert "ne pas y répondre" in anonymous

    def test_requester_text_stays_out_of_the_subject(self) -> None:
        subject, body = rejection_message("Lycée", "X\r\nBcc: a@b.fr", "Y", "00001", "Motif")
        assert "\n" not in subject and "Bcc" not in subject
        assert "X BCC: A@B.FR" in body  # control characters shown as spaces


# --- password hashing -----------------------------------------------------------------------
def test_hash_is_argon2id_at_owasp_minimum() -> None:
    digest = passwords.hash_password("Kp7m-X2qr-9tzh-Wd")
    assert digest.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(digest, "Kp7m-X2qr-9tzh-Wd")
    assert not passwords.verify_password(digest, "Kp7m-X2qr-9tzh-Wx")
    assert not passwords.verify_password(digest, "Kp7mX2qr9tzhWd")  # the hyphens count
    assert not passwords.verify_password("not a hash", "Kp7m-X2qr-9tzh-Wd")


async def hash_all(secrets_: list[str], chunk_size: int | None = None) -> list[str]:
    return [h async for part in passwords.hash_batches([secrets_], chunk_size) for h in part]


async def test_bulk_hashing_keeps_order_and_leaves_the_loop_free() -> None:
    # Every worker started and argon2 loaded first: the ticks then measure the hashing only.
    await hash_all(["préchauffage"] * passwords.workers(), chunk_size=1)
    secrets_ = [f"secret-{n}" for n in range(12)]
    ticks = 0
    running = True

    async def ticker() -> None:
        nonlocal ticks
        while running:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        hashes = await hash_all(secrets_)
    finally:
        running = False
        await task
    assert len(hashes) == 12 and len(set(hashes)) == 12
    assert all(passwords.verify_password(h, s) for h, s in zip(hashes, secrets_, strict=True))
    # 12 hashes take a few hundred milliseconds: the loop ticked all along.
    assert ticks >= 5


async def test_hash_batches_in_order() -> None:
    batches = [["a", "b", "c"], [], ["d"]]
    got = [part async for part in passwords.hash_batches(batches, chunk_size=2)]
    assert [len(p) for p in got] == [3, 0, 1]
    assert passwords.verify_password(got[0][2], "c") and passwords.verify_password(got[2][0], "d")


# --- approval -------------------------------------------------------------------------------
async def test_approval_creates_accounts_letters_and_audit(db: Database) -> None:
    ids = await setup(db)
    seen: list[tuple[int, int]] = []
    report = await approve_requests(
        db, list(ids.values()), "bob", lambda done, total: seen.append((done, total))
    )
    created = {c.request_id: c for c in report.created}
    assert set(created) == {ids["exact-1"], ids["exact-2"], ids["exact-4"]}
    assert reasons(report.skipped) == {
        ids["probable-3"]: SkipReason.NOT_CONFIRMED,
        ids["mismatch-5"]: SkipReason.NOT_CONFIRMED,
        ids["none-6"]: SkipReason.NOT_CONFIRMED,
        ids["duplicate-7"]: SkipReason.NOT_CONFIRMED,
    }
    assert seen == [(0, 3), (3, 3)]
    # Logins from the card holder's names, in request order; same names get a number.
    assert created[ids["exact-1"]].login == "marie-helene.dupont"
    assert created[ids["exact-4"]].login == "marie-helene.dupont2"
    assert created[ids["exact-2"]].login == "sophie.durand"
    assert report.summary_lines()[0].startswith("3 comptes créés")
    assert "4 demandes : rapprochement ni exact ni confirmé à la main" in report.summary_lines()[2]

    async with db.reading() as session:
        for request_id, made in created.items():
            account = await session.get(PortalAccount, made.account_id)
            letter = await session.get(Letter, made.letter_id)
            request = await session.get(AccountRequest, request_id)
            assert account is not None and letter is not None and request is not None
            assert account.login == made.login
            assert account.email == request.email
            assert account.must_change_password and account.enabled
            assert account.credentials is CredentialsState.TO_SEND
            assert account.created_by == "bob"
            assert letter.account_id == account.id and letter.state is LetterState.PENDING
            assert letter.password_plain and PASSWORD_PATTERN.fullmatch(letter.password_plain)
            assert passwords.verify_password(account.password_hash, letter.password_plain)
            assert request.status is RequestStatus.APPROVED
            assert request.account_id == account.id
            assert request.decided_by == "bob" and request.decided_at is not None
            linked = await session.scalars(
                select(AccountHost.host_id).where(AccountHost.account_id == account.id)
            )
            assert list(linked) == [request.host_id]
            # Its email is queued in the same transaction (composed when it is sent).
            queued = (
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.letter_id == letter.id)
                )
            ).one()
            assert queued.kind == "letter" and queued.to_addr == account.email
            assert queued.status is OutboxStatus.QUEUED
            assert queued.subject == "Vos identifiants de l'espace numérique – Lycée Victor-Hugo"
        used = set((await session.scalars(select(UsedLogin.login))).all())
        assert used == {c.login for c in report.created}
        audit = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "requests.approve"))
        ).all()
        assert [sorted(a.row_ids) for a in audit] == [sorted(created)]
        assert audit[0].operator == "bob"
    # Matched again afterwards: exact-2 has its account, so its duplicate now says so.
    duplicate = await request_row(db, ids["duplicate-7"])
    assert duplicate.match_kind is MatchKind.HAS_ACCOUNT
    assert {a.login for a in await list_accounts(db, UAI)} == {c.login for c in report.created}


async def test_plan_counts_what_approval_will_do(db: Database) -> None:
    ids = await setup(db)
    plan = await plan_approval(db, ids.values())
    assert [i.request_id for i in plan.items] == [ids["exact-1"], ids["exact-2"], ids["exact-4"]]
    assert plan.skipped_counts() == {SkipReason.NOT_CONFIRMED: 4}
    assert plan.summary() == (
        "3 comptes à créer ; 4 lignes ignorées "
        "(4 demandes : rapprochement ni exact ni confirmé à la main)."
    )
    assert await pending_exact_ids(db, UAI) == [ids["exact-1"], ids["exact-2"], ids["exact-4"]]
    assert await pending_exact_ids(db, OTHER) == []


async def test_the_sql_and_the_rule_agree_on_what_may_be_approved(db: Database) -> None:
    """APPROVABLE (SQL), the shared reader and `approval_obstacle` (Python) over a request
    of every combination of what the rule reads: status, match kind, host (none, one without
    an account, one with), hand (none, an empty name, an operator)."""
    await add_establishment(db, UAI, "Lycée", "alice")
    await add_establishment(db, OTHER, "Collège", "alice")
    await import_hosts(db, parse_hosts(HOSTS.encode(), "h.csv"), "alice", "h.csv")
    free, taken = await host_id(db, "100001"), await host_id(db, "100002")
    now = utcnow()
    facts: dict[str, tuple[RequestStatus, MatchKind, int | None, str | None]] = {
        f"c{n}": combination
        for n, combination in enumerate(
            (status, kind, host, by)
            for status in RequestStatus
            for kind in MatchKind
            for host in (None, free, taken)
            for by in (None, "", "alice")
        )
    }
    async with db.writing() as session:
        eid = await session.scalar(select(Host.establishment_id).where(Host.id == taken))
        account = await session.scalar(
            insert(PortalAccount)
            .values(
                establishment_id=eid, login="a", password_hash="x", email="a@b.fr", created_by="a"
            )
            .returning(PortalAccount.id)
        )
        await session.execute(insert(AccountHost).values(account_id=account, host_id=taken))
        await session.execute(
            insert(AccountRequest),
            [
                {
                    "portal_id": pid,
                    "establishment_id": eid,
                    "card_digits": "00001",
                    "last_name": "Dupont",
                    "first_name": "Marie",
                    "email": "a@b.fr",
                    "submitted_at": now,
                    "status": status,
                    "match_kind": kind,
                    "host_id": host,
                    "attached_by": by,
                }
                for pid, (status, kind, host, by) in facts.items()
            ],
        )
        ids = dict(
            (await session.execute(select(AccountRequest.portal_id, AccountRequest.id))).all()
        )
        by_sql = set((await session.scalars(select(AccountRequest.id).where(APPROVABLE))).all())
        read = {r.id: r.obstacle for r in await read_requests(session, sorted(ids.values()))}
    obstacles = {
        ids[pid]: approval_obstacle(status, kind, host, by, host == taken)
        for pid, (status, kind, host, by) in facts.items()
    }
    approvable = {rid for rid, obstacle in obstacles.items() if obstacle is None}
    assert by_sql == approvable
    assert read == obstacles
    exact = {
        ids[pid]
        for pid, (status, kind, _, _) in facts.items()
        if kind is MatchKind.EXACT and status is UNDECIDED
    }
    assert set(await pending_exact_ids(db, UAI)) == exact
    # Every branch of the rule is met, so the agreement says something.
    assert set(obstacles.values()) == {
        None,
        SkipReason.DECIDED,
        SkipReason.HAS_ACCOUNT,
        SkipReason.NOT_CONFIRMED,
    }


async def test_hand_attached_requests_are_approved(db: Database) -> None:
    ids = await setup(db)
    await attach_host(db, ids["probable-3"], await host_id(db, "100003"), "alice")
    # The operator's word goes, even against the names: the rule is "never without a hand".
    await attach_host(db, ids["mismatch-5"], await host_id(db, "100005"), "alice")
    report = await approve_requests(db, [ids["probable-3"], ids["mismatch-5"]], "alice")
    assert {c.login for c in report.created} == {"leo.martin", "jules.petit"}
    assert report.skipped == []


async def test_one_account_per_host(db: Database) -> None:
    ids = await setup(db)
    # Two selected requests for one host: the older gets the account.
    await attach_host(db, ids["probable-3"], await host_id(db, "100001"), "alice")
    report = await approve_requests(db, [ids["probable-3"], ids["exact-1"]], "alice")
    assert [c.request_id for c in report.created] == [ids["exact-1"]]
    assert reasons(report.skipped) == {ids["probable-3"]: SkipReason.SAME_HOST}
    # Once it has one, no second account is made for it.
    report = await approve_requests(db, [ids["probable-3"]], "alice")
    assert report.created == []
    assert reasons(report.skipped) == {ids["probable-3"]: SkipReason.HAS_ACCOUNT}
    assert await count(db, PortalAccount) == 1


async def test_unknown_ids_or_other_establishment_change_nothing(db: Database) -> None:
    ids = await setup(db)
    with pytest.raises(InputError, match="demande inconnue : n° 9999"):
        await approve_requests(db, [ids["exact-1"], 9999], "alice")
    with pytest.raises(InputError, match=f"d'un autre établissement que {OTHER}"):
        await approve_requests(db, [ids["exact-1"]], "alice", uai=OTHER)
    with pytest.raises(InputError, match="aucune demande"):
        await approve_requests(db, [], "alice")
    with pytest.raises(InputError, match="inconnue"):
        await reject_requests(db, [ids["exact-2"], 9999], "Demande en double", "alice")
    assert await count(db, PortalAccount) == 0
    assert await count(db, OutboxMessage) == 0
    assert (await request_row(db, ids["exact-2"])).status is RequestStatus.PENDING


async def test_concurrent_approvals_create_each_account_once(db_url: str) -> None:
    """Two operators (two connections) approve overlapping selections at the same moment."""
    cards = [f"3{n:05d}" for n in range(30)]
    async with await Database.open(db_url) as setup_db:
        await add_establishment(setup_db, UAI, "Lycée", "alice")
        # Same names for all: concurrent approvals must not give one login twice either.
        hosts = "uai;carte;nom;prenom;type;mode\n" + "".join(
            f"{UAI};{card};Dupont;Marie-Hélène;eleve;prepaye\n" for card in cards
        )
        await import_hosts(setup_db, parse_hosts(hosts.encode(), "h.csv"), "alice", "h.csv")
        items = {f"p{card}": (card[-5:], "Dupont", "Marie-Hélène") for card in cards}
        await import_requests(
            setup_db, parse_request_items(request_items(items), "r"), "alice", "r"
        )
        ids = sorted(await pending_exact_ids(setup_db))
    assert len(ids) == 30
    first, second = ids[:20], ids[10:]  # ten in both selections
    async with await Database.open(db_url) as alice, await Database.open(db_url) as bob:
        report_a, report_b = await asyncio.gather(
            approve_requests(alice, first, "alice", batch_size=4),
            approve_requests(bob, list(reversed(second)), "bob", batch_size=4),
        )
    made_a = {c.request_id for c in report_a.created}
    made_b = {c.request_id for c in report_b.created}
    assert not made_a & made_b
    assert made_a | made_b == set(ids)
    lost = reasons(report_a.skipped) | reasons(report_b.skipped)
    assert set(lost) == set(first) & set(second)
    assert set(lost.values()) <= {SkipReason.TAKEN, SkipReason.DECIDED}
    # Both read the selection before either wrote: the claims really raced.
    assert SkipReason.TAKEN in lost.values()
    async with Database(db_url) as db:
        assert await count(db, PortalAccount) == 30
        assert await count(db, Letter) == 30
        assert await count(db, AccountHost) == 30
        async with db.reading() as session:
            logins = (await session.scalars(select(UsedLogin.login))).all()
            per_request = (
                await session.execute(
                    select(AccountRequest.status, func.count(AccountRequest.account_id)).group_by(
                        AccountRequest.status
                    )
                )
            ).all()
        assert len(set(logins)) == 30
        assert per_request == [(RequestStatus.APPROVED, 30)]


async def test_decisions_take_turns(db_url: str) -> None:
    """The lock under which approvals pick logins and claim requests: a second writer waits
    for the first to commit (an advisory lock on PostgreSQL, the write lock on SQLite)."""
    events: list[str] = []
    first_has_it = asyncio.Event()

    async def first(db: Database) -> None:
        async with db.writing() as session:
            await take_decisions_lock(session)
            events.append("first in")
            first_has_it.set()
            await asyncio.sleep(0.3)
            events.append("first out")

    async def second(db: Database) -> None:
        await first_has_it.wait()
        async with db.writing() as session:
            await take_decisions_lock(session)
            events.append("second in")

    async with await Database.open(db_url) as a, await Database.open(db_url) as b:
        await asyncio.gather(first(a), second(b))
    assert events == ["first in", "first out", "second in"]


async def test_crash_between_batches_then_rerun_finishes(db: Database) -> None:
    cards = [f"4{n:05d}" for n in range(12)]
    await add_establishment(db, UAI, "Lycée", "alice")
    hosts = "uai;carte;nom;prenom;type;mode\n" + "".join(
        f"{UAI};{card};Martin;Léo {n};eleve;prepaye\n" for n, card in enumerate(cards)
    )
    await import_hosts(db, parse_hosts(hosts.encode(), "h.csv"), "alice", "h.csv")
    items = {f"p{n}": (card[-5:], "Martin", f"Léo {n}") for n, card in enumerate(cards)}
    await import_requests(db, parse_request_items(request_items(items), "r"), "alice", "r")
    ids = sorted(await pending_exact_ids(db))

    def crash(done: int, total: int) -> None:
        if done:
            raise RuntimeError("panne de courant")

    with pytest.raises(RuntimeError, match="panne"):
        await approve_requests(db, ids, "alice", crash, batch_size=5)
    await check_whole_or_untouched(db, ids, approved=5)

    report = await approve_requests(db, ids, "alice", batch_size=5)
    assert len(report.created) == 7
    assert reasons(report.skipped) == dict.fromkeys(ids[:5], SkipReason.DECIDED)
    await check_whole_or_untouched(db, ids, approved=12)


async def test_failure_inside_a_batch_undoes_the_whole_batch(db: Database) -> None:
    ids = await setup(db)
    # A login taken outside used_logins (a store edited by hand): the account insert of the
    # second batch (exact-4, the second Marie-Hélène Dupont) fails, after its claim. Nothing of
    # that batch may remain.
    async with db.writing() as session:
        establishment_id = await session.scalar(
            select(AccountRequest.establishment_id).where(AccountRequest.id == ids["exact-4"])
        )
        await session.execute(
            insert(table_of(PortalAccount)).values(
                establishment_id=establishment_id,
                login="marie-helene.dupont2",
                password_hash="x",
                email="x@exemple.fr",
                created_by="hand",
                created_at=utcnow(),
                updated_at=utcnow(),
            )
        )
    selection = [ids["exact-1"], ids["exact-4"], ids["exact-2"]]
    with pytest.raises(IntegrityError):
        await approve_requests(db, selection, "alice", batch_size=2)
    await check_whole_or_untouched(db, selection, approved=2)
    assert (await request_row(db, ids["exact-4"])).status is RequestStatus.PENDING


async def check_whole_or_untouched(db: Database, ids: Sequence[int], approved: int) -> None:
    """Every request is either approved with its account, host, login and letter, or pending
    with nothing."""
    async with db.reading() as session:
        rows = (
            await session.execute(
                select(AccountRequest.id, AccountRequest.status, AccountRequest.account_id).where(
                    AccountRequest.id.in_(ids)
                )
            )
        ).all()
        done = [r for r in rows if r.status is RequestStatus.APPROVED]
        assert len(done) == approved
        for r in rows:
            if r.status is RequestStatus.APPROVED:
                account = await session.get(PortalAccount, r.account_id)
                assert account is not None
                assert await session.scalar(
                    select(func.count()).where(Letter.account_id == account.id)
                )
                assert await session.scalar(
                    select(func.count()).where(AccountHost.account_id == account.id)
                )
                assert await session.get(UsedLogin, account.login) is not None
            else:
                assert r.status is RequestStatus.PENDING and r.account_id is None
        made = await session.scalar(
            select(func.count())
            .select_from(PortalAccount)
            .where(PortalAccount.created_by != "hand")
        )
        assert made == approved
        assert await session.scalar(select(func.count()).select_from(Letter)) == approved


# --- rejection ------------------------------------------------------------------------------
async def test_rejection_tells_the_requester(db: Database) -> None:
    ids = await setup(db)
    await approve_requests(db, [ids["exact-1"]], "alice")
    report = await reject_requests(
        db, [ids["none-6"], ids["exact-2"], ids["exact-1"]], REJECTION_REASONS[0], "bob"
    )
    assert report.rejected == sorted([ids["none-6"], ids["exact-2"]])
    assert reasons(report.skipped) == {ids["exact-1"]: SkipReason.DECIDED}
    assert report.summary_lines()[0].startswith("2 demandes refusées")
    for pid in ("none-6", "exact-2"):
        row = await request_row(db, ids[pid])
        assert row.status is RequestStatus.REJECTED
        assert row.reject_reason == "Carte inconnue de l'établissement"
        assert row.decided_by == "bob" and row.decided_at is not None
        assert row.account_id is None
    async with db.reading() as session:
        messages = (
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "rejection")
                .order_by(OutboxMessage.request_id)
            )
        ).all()
        audit = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "requests.reject"))
        ).one()
    assert [(m.kind, m.request_id, m.to_addr) for m in messages] == [
        ("rejection", ids["exact-2"], "exact-2@exemple.fr"),
        ("rejection", ids["none-6"], "none-6@exemple.fr"),
    ]
    assert messages[0].subject == "Demande de compte non acceptée — Lycée Victor-Hugo"
    assert "pour Sophie DURAND (carte se terminant par 00002)" in messages[0].body
    assert "Carte inconnue de l'établissement" in messages[0].body
    assert sorted(audit.row_ids) == report.rejected and audit.operator == "bob"
    # exact-2 rejected: its later duplicate is the only request for that card now.
    assert (await request_row(db, ids["duplicate-7"])).match_kind is MatchKind.EXACT


async def test_rejection_needs_a_reason(db: Database) -> None:
    ids = await setup(db)
    with pytest.raises(InputError, match="motif de refus vide"):
        await reject_requests(db, [ids["none-6"]], "  ", "bob")
    assert (await request_row(db, ids["none-6"])).status is RequestStatus.PENDING


# --- attaching a host by hand ---------------------------------------------------------------
async def test_attach_and_detach(db: Database) -> None:
    ids = await setup(db)
    rid = ids["probable-3"]
    before = await request_row(db, rid)
    assert before.host_id is None and before.match_kind is MatchKind.PROBABLE
    martin = await host_id(db, "100003")
    await attach_host(db, rid, martin, "alice")
    attached = await request_row(db, rid)
    assert (attached.host_id, attached.attached_by) == (martin, "alice")
    assert attached.version > before.version
    assert (await plan_approval(db, [rid])).items[0].host_id == martin
    await detach_host(db, rid, "alice")
    detached = await request_row(db, rid)
    assert (detached.host_id, detached.attached_by) == (None, None)
    async with db.reading() as session:
        actions = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert actions[-2:] == ["request.attach", "request.detach"]


async def test_detaching_an_exact_match_gives_its_host_back(db: Database) -> None:
    ids = await setup(db)
    rid = ids["exact-1"]
    dupont = await host_id(db, "100001")
    await attach_host(db, rid, dupont, "alice")  # confirmed by hand
    await detach_host(db, rid, "alice")
    row = await request_row(db, rid)
    assert (row.host_id, row.attached_by, row.match_kind) == (dupont, None, MatchKind.EXACT)


async def test_attach_refuses_what_does_not_fit(db: Database) -> None:
    ids = await setup(db)
    rid = ids["probable-3"]
    with pytest.raises(InputError, match="demande n° 9999 inconnue"):
        await attach_host(db, 9999, await host_id(db, "100003"), "alice")
    with pytest.raises(InputError, match="hôte n° 9999 inconnu"):
        await attach_host(db, rid, 9999, "alice")
    with pytest.raises(InputError, match="carte 200001 n'est pas de l'établissement"):
        await attach_host(db, rid, await host_id(db, "200001"), "alice")
    with pytest.raises(InputError, match="aucun hôte choisi à la main"):
        await detach_host(db, rid, "alice")
    await reject_requests(db, [rid], "Demande en double", "alice")
    with pytest.raises(InputError, match="déjà refusée"):
        await attach_host(db, rid, await host_id(db, "100003"), "alice")
    assert (await request_row(db, rid)).host_id is None


# --- accounts list --------------------------------------------------------------------------
async def test_accounts_list_json_is_the_contract(db: Database) -> None:
    ids = await setup(db)
    await approve_requests(db, [ids["exact-2"]], "alice")
    [view] = await list_accounts(db)
    item = view.to_json()
    assert set(item) == {"login", "uai", "cards", "email", "created_at", "enabled", "credentials"}
    assert item["login"] == "sophie.durand" and item["uai"] == UAI
    assert item["cards"] == ["100002"] and item["email"] == "exact-2@exemple.fr"
    assert item["enabled"] is True and item["credentials"] == "to_send"
    assert item["created_at"].endswith("+00:00")
    json.dumps(item)
    assert await list_accounts(db, OTHER) == []
    with pytest.raises(InputError, match="inconnu"):
        await list_accounts(db, "0010002X")
