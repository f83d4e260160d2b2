"""`packweb daemon`: the outbox sender every minute, against a real SMTP server; and the
Identifiants pane's "send by email" (the same sender, from the console)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from packweb_tui import daemon
from packweb_tui.config import Config, PortalConfig, SmtpConfig
from packweb_tui.domain.states import LetterState, OutboxStatus
from packweb_tui.services.decisions.approve import approve_requests
from packweb_tui.services.queue import pending_queue
from packweb_tui.store.database import Database
from packweb_tui.store.models import Letter, OutboxMessage
from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.panes.credentials import CredentialsPane
from packweb_tui.tui.screens.decisions import ConfirmScreen
from packweb_tui.tui.state import remember_uai
from tests.services.test_approval import setup
from tests.smtp_support import Mailbox, SmtpServer
from tests.tui.support import FIXED_NOW, LYCEE, OPERATOR, make_console_db, wait_loaded
from tests.tui.test_requests import until

SENDER = "Intendance <intendance@lycee-victor-hugo.fr>"


def config_for(server: SmtpServer) -> Config:
    return Config(
        smtp=SmtpConfig(host="127.0.0.1", port=server.port, security="none", sender=SENDER),
        portal=PortalConfig(url="https://cantine.example.fr"),
    )


async def test_the_daemon_sends_what_is_queued_then_stops(sqlite_url: str) -> None:
    async with await Database.open(sqlite_url) as db:
        ids = await setup(db)
        report = await approve_requests(db, list(ids.values()), "bob")
    mailbox = Mailbox()
    async with SmtpServer(mailbox) as server:
        stop = asyncio.Event()
        running = asyncio.create_task(daemon.serve(sqlite_url, config_for(server), stop))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while len(mailbox.received) < len(report.created):  # its first run is at once
            assert loop.time() < deadline and not running.done(), "the daemon sent nothing"
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(running, 10)
    assert sorted(r.rcpt_tos[0] for r in mailbox.received) == sorted(
        f"{n}@exemple.fr" for n in ("exact-1", "exact-2", "exact-4")
    )
    async with await Database.open(sqlite_url) as db, db.reading() as session:
        states = set((await session.scalars(select(Letter.state))).all())
        assert states == {LetterState.SENT}


async def test_a_failing_job_is_logged_and_the_daemon_goes_on(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with await Database.open(sqlite_url) as db:
        ids = await setup(db)
        await approve_requests(db, list(ids.values()), "bob")
    no_sender = Config(smtp=SmtpConfig(host="127.0.0.1", port=9, sender=None))
    stop = asyncio.Event()
    with caplog.at_level("INFO", logger="packweb.daemon"):
        running = asyncio.create_task(daemon.serve(sqlite_url, no_sender, stop))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 15
        while "échec" not in caplog.text:
            assert loop.time() < deadline and not running.done()
            await asyncio.sleep(0.05)
        assert not running.done()  # still serving
        stop.set()
        await asyncio.wait_for(running, 10)
    assert "envoi des courriels : échec : [smtp] sender manquant" in caplog.text
    assert "arrêté" in caplog.text


@pytest.fixture
def approved_url(tmp_path: Path) -> str:
    remember_uai(LYCEE[0])
    url = make_console_db(tmp_path / "console.db", FIXED_NOW)

    async def approve() -> None:
        async with await Database.open(url) as db:
            queue = await pending_queue(db, LYCEE[0])
            await approve_requests(db, [r.id for r in queue.rows if r.approvable], OPERATOR)

    asyncio.run(approve())
    return url


async def test_the_console_sends_the_ticked_letter(approved_url: str, tmp_path: Path) -> None:
    mailbox = Mailbox()
    async with SmtpServer(mailbox) as server:
        app = PackWebApp(
            db_url=approved_url, operator=OPERATOR, clock=lambda: FIXED_NOW,
            config=config_for(server),
        )  # fmt: skip
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_loaded(pilot)
            await pilot.press("2")
            pane = app.screen.query_one(CredentialsPane)
            await until(pilot, lambda: len(pane.rows) == 2)
            first = pane.rows[0]
            await pilot.press("space", "m")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("enter")
            await until(pilot, lambda: len(mailbox.received) == 1, timeout=30)
            states = lambda: {r.login: r.state.value for r in pane.rows}  # noqa: E731
            await until(pilot, lambda: states().get(first.login) == "sent")
            # Only the ticked one went; the other waits (listed first now: still to deliver).
            assert [r.rcpt_tos for r in mailbox.received] == [[first.email]]
            other = pane.rows[0]
            assert other.login != first.login and other.state.value == "to_send"
    async with await Database.open(approved_url) as db, db.reading() as session:
        emails = (await session.execute(select(OutboxMessage.to_addr, OutboxMessage.status))).all()
        assert sorted(emails) == sorted(
            [(first.email, OutboxStatus.SENT), (other.email, OutboxStatus.QUEUED)]
        )
