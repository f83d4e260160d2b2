"""An establishment's outbox (the console's view of it) and sending it alone, what is due or
also what waits for a later try (`deliver_outbox(deferred=True)`, `outbox send --now`),
against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import insert, select, update

from packweb_tui.cli import cli
from packweb_tui.domain.requests import parse_request_items
from packweb_tui.domain.states import OutboxStatus
from packweb_tui.services.decisions.approve import approve_requests, pending_exact_ids
from packweb_tui.services.outbox.delivery import deliver_outbox
from packweb_tui.services.outbox.views import EstablishmentOutbox, establishment_outbox
from packweb_tui.services.requests import import_requests
from packweb_tui.store.database import Database
from packweb_tui.store.models import Establishment, OutboxMessage, PortalSettings, table_of
from packweb_tui.store.types import utcnow
from tests.services.test_approval import OTHER, UAI, request_items
from tests.services.test_outbox import SENDER, approved_letters, make_config, outbox_rows
from tests.smtp_support import Mailbox, SmtpServer

REQUESTS_EMAIL = "demandes@lycee-victor-hugo.fr"


async def two_schools_outbox(db: Database) -> None:
    """The letters and the rejection of test_outbox's lycée, a digest to its address for
    requests and one to another address; a letter of the other school."""
    await approved_letters(db)
    items = request_items({"other-1": ("00001", "Bernard", "Paul")}, uai=OTHER)
    await import_requests(db, parse_request_items(items, "r.json"), "bob", "r.json")
    await approve_requests(db, await pending_exact_ids(db, OTHER), "bob", uai=OTHER)
    now = utcnow()
    async with db.writing() as session:
        await session.execute(update(PortalSettings).values(requests_email=None))
        await session.execute(
            update(PortalSettings)
            .where(
                PortalSettings.establishment_id
                == select(Establishment.id).where(Establishment.uai == UAI).scalar_subquery()
            )
            .values(requests_email=REQUESTS_EMAIL)
        )
        await session.execute(
            insert(table_of(OutboxMessage)),
            [
                {"kind": "digest", "to_addr": to, "subject": "1 nouvelle demande", "body": "…",
                 "status": OutboxStatus.QUEUED, "attempts": 0, "created_at": now,
                 "next_attempt_at": now}
                for to in (REQUESTS_EMAIL, "ailleurs@exemple.fr")
            ],
        )  # fmt: skip


def kinds(board: EstablishmentOutbox) -> Counter[str]:
    return Counter(v.kind_label for v in board.messages)


async def test_an_establishment_sends_its_own_outbox(db: Database, tmp_path: Path) -> None:
    await two_schools_outbox(db)
    board = await establishment_outbox(db, UAI)
    assert kinds(board) == {"lettre": 3, "refus": 1, "récapitulatif": 1}
    assert (board.due, board.deferred, board.failed, board.sent) == (5, 0, 0, 0)
    other = await establishment_outbox(db, OTHER)
    assert kinds(other) == {"lettre": 1}
    # The rejection waits for a later try (the server said 450 a minute ago).
    rejection = next(v for v in board.messages if v.kind == "rejection")
    async with db.writing() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == rejection.id)
            .values(
                attempts=1,
                last_error="450 boîte occupée",
                next_attempt_at=utcnow() + timedelta(hours=1),
            )
        )
    board = await establishment_outbox(db, UAI)
    assert (board.due, board.deferred) == (4, 1)
    later = next(v for v in board.messages if v.id == rejection.id)
    assert board.waiting_later(later) and later.last_error == "450 boîte occupée"

    mailbox = Mailbox()
    async with SmtpServer(mailbox) as server:
        config = make_config(server, tmp_path)
        report = await deliver_outbox(db, config, uai=UAI)
        assert len(report.sent) == 4 and report.total == 4
        board = await establishment_outbox(db, UAI)
        assert (board.due, board.deferred, board.sent) == (0, 1, 4)
        report = await deliver_outbox(db, config, uai=UAI, deferred=True)
        assert [s.outbox_id for s in report.sent] == [rejection.id]
    board = await establishment_outbox(db, UAI)
    assert (board.due, board.deferred, board.sent) == (0, 0, 5)
    assert {v.status for v in board.messages} == {OutboxStatus.SENT}
    # The other school's letter and the stray digest were left for their own sending.
    left = [r for r in await outbox_rows(db) if r.status is OutboxStatus.QUEUED]
    assert sorted(r.kind for r in left) == ["digest", "letter"]
    assert len(mailbox.received) == 5


async def test_send_now_also_sends_what_waits_for_a_later_try(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with await Database.open(sqlite_url) as db:
        await approved_letters(db)
        async with db.writing() as session:  # the server was down a minute ago
            await session.execute(
                update(OutboxMessage).values(
                    attempts=1,
                    last_error="serveur injoignable",
                    next_attempt_at=utcnow() + timedelta(minutes=4),
                )
            )
    mailbox = Mailbox()
    async with SmtpServer(mailbox) as server:
        toml = tmp_path / "packweb.toml"
        toml.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\n'
            f'sender = "{SENDER}"\n',
            encoding="utf-8",
        )
        base = ["--db", sqlite_url, "--config", str(toml), "outbox", "send"]
        # In a thread: the command runs its own event loop, the server lives in this one.
        result = await asyncio.to_thread(CliRunner().invoke, cli, base)
        assert result.exit_code == 0 and result.stdout == "Aucun courriel à envoyer.\n"
        assert not mailbox.received
        result = await asyncio.to_thread(CliRunner().invoke, cli, [*base, "--now"])
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[-1] == "4 courriels envoyés sur 4."
    assert len(mailbox.received) == 4
