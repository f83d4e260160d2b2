"""The demo's September morning, played from a list of keys as an operator types them at
80x24: both establishments, their 150 pending requests (approve every exact one, decide every
other one), then every letter and every refusal emailed to a real SMTP server (aiosmtpd).
The length of the list is the figure the console is held to: at most 60 keys."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from textual.pilot import Pilot
from textual.worker import WorkerState

from packweb_tui.config import Config, SmtpConfig
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.domain.states import OutboxStatus
from packweb_tui.services.demo import prepare_demo
from packweb_tui.store.database import Database
from packweb_tui.store.models import AccountRequest, OutboxMessage, PortalAccount
from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.screens.console import ConsoleScreen
from packweb_tui.tui.screens.decisions import ConfirmScreen, ProgressScreen, ReasonScreen
from packweb_tui.tui.screens.outbox import OutboxScreen
from packweb_tui.tui.screens.review import ReviewScreen
from tests.smtp_support import Mailbox, SmtpServer
from tests.tui.support import OPERATOR, wait_loaded

SIZE = (80, 24)
MAX_KEYS = 60  # the list below holds 53

# The demo's probable and ambiguous requests, in the queue's order once the rest is rejected:
# `g` approves with the candidate shown, a digit with that candidate (the ambiguous ones).
COLLEGE_CHOICES = ["g"] * 5 + ["1", "2"] + ["g"] * 4
LYCEE_CHOICES = ["g", "2", "g", "g", "g", "1", "g", "g", "g", "2", "g", "g", "g", "1", "g", "g"]

MORNING = [
    # Collège Jean-Moulin, where the console opens: every exact request at once...
    "e", "g", "enter", "escape",
    # ...then the review of the others: those whose kind says why are rejected together
    # (one confirmation), each probable or ambiguous one by its own key; its summary.
    "v", "R", "enter", *COLLEGE_CHOICES, "escape",
    # Its outbox: every letter and every refusal.
    "o", "m", "enter", "escape",
    # Lycée Victor-Hugo, the same.
    "ctrl+e", "down", "enter",
    "e", "g", "enter", "escape",
    "v", "R", "enter", *LYCEE_CHOICES, "escape",
    "o", "m", "enter",
]  # fmt: skip


def settled(app: PackWebApp) -> bool:
    """The console waits for the next key: nothing under way but a dialog waiting for it."""
    screen = app.screen
    if isinstance(screen, ProgressScreen):
        return False
    if isinstance(screen, ConfirmScreen | ReasonScreen):
        return screen.is_mounted  # the worker that opened it waits for its answer
    running = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
    if running:
        return False
    if isinstance(screen, ReviewScreen):
        return screen.ready
    if isinstance(screen, OutboxScreen):
        return screen.board is not None and not screen.busy
    return True


async def settle(pilot: Pilot[Any], timeout: float = 120) -> None:
    app = pilot.app
    assert isinstance(app, PackWebApp)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    calm = 0
    while calm < 3:  # settled on three looks in a row: no step of a chain is taken for rest
        await pilot.pause(0.02)
        calm = calm + 1 if settled(app) else 0
        assert loop.time() < deadline, f"stuck on {app.screen_stack}"


async def counts(url: str) -> tuple[int, int, dict[OutboxStatus, int], dict[str, int]]:
    """Pending requests, accounts, emails by status and by kind."""
    async with await Database.open(url) as db, db.reading() as session:
        pending = await session.scalar(
            select(func.count()).where(AccountRequest.status == RequestStatus.PENDING)
        )
        accounts = await session.scalar(select(func.count()).select_from(PortalAccount))
        statuses = dict(
            (
                await session.execute(
                    select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                )
            ).all()
        )
        kinds = dict(
            (
                await session.execute(
                    select(OutboxMessage.kind, func.count()).group_by(OutboxMessage.kind)
                )
            ).all()
        )
    return int(pending or 0), int(accounts or 0), statuses, kinds


async def test_the_demo_morning_in_at_most_60_keys(tmp_path: Path) -> None:
    assert len(MORNING) <= MAX_KEYS, len(MORNING)
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    async with await Database.create(url) as db:
        assert await prepare_demo(db, OPERATOR, reset=False)
        before = await session_kinds(db)
    assert sum(before.values()) == 150 and before[MatchKind.EXACT] == 81
    _, accounts_before, _, _ = await counts(url)

    mailbox = Mailbox()
    async with SmtpServer(mailbox) as server:
        smtp = SmtpConfig(
            host="127.0.0.1", port=server.port, security="none", timeout=10,
            sender="Intendance <intendance@exemple.fr>",
        )  # fmt: skip
        config = Config(smtp=smtp, letters_directory=tmp_path / "lettres")
        app = PackWebApp(db_url=url, operator=OPERATOR, demo=True, config=config)
        said: list[str] = []
        notify = app.notify

        def keep(message: str, *args: Any, **kwargs: Any) -> None:
            said.append(message)
            notify(message, *args, **kwargs)

        app.notify = keep  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            for n, key in enumerate(MORNING):
                await settle(pilot)
                if key.isdigit():  # a choice between candidates: on an ambiguous request
                    screen = app.screen
                    assert isinstance(screen, ReviewScreen) and screen.detail is not None, n
                    assert screen.detail.match_kind is MatchKind.AMBIGUOUS, n
                await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, OutboxScreen)
            board = app.screen.board
            assert board is not None and board.due == board.deferred == board.failed == 0
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, ConsoleScreen)
        assert "64 courriels envoyés sur 64." in said  # the collège's
        assert "86 courriels envoyés sur 86." in said  # the lycée's

    pending, accounts, statuses, kinds = await counts(url)
    assert pending == 0  # every request decided
    created = accounts - accounts_before
    assert created == 81 + 27  # every exact one, every probable and ambiguous one
    assert kinds == {"letter": created, "rejection": 150 - created}
    assert statuses == {OutboxStatus.SENT: 150}  # every letter, every refusal
    assert len(mailbox.received) == 150
    assert len({r.message_id for r in mailbox.received}) == 150


async def session_kinds(db: Database) -> dict[MatchKind, int]:
    async with db.reading() as session:
        rows = await session.execute(
            select(AccountRequest.match_kind, func.count()).group_by(AccountRequest.match_kind)
        )
        return dict(rows.all())
