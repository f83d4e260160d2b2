"""What the review and the establishment's outbox look like (see test_snapshots.py for how
the pictures are kept and accepted)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from packweb_tui.services.decisions.approve import approve_requests
from packweb_tui.services.decisions.reject import reject_requests
from packweb_tui.services.queue import pending_queue
from packweb_tui.store.database import Database
from packweb_tui.tui.screens.outbox import OutboxScreen
from packweb_tui.tui.screens.review import ReviewScreen
from packweb_tui.tui.state import remember_uai
from tests.tui.support import FIXED_NOW, LYCEE, OPERATOR, make_console_db
from tests.tui.test_snapshots import PackWebApp, SnapCompare, after


@pytest.fixture
def lycee_url(tmp_path: Path) -> str:
    remember_uai(LYCEE[0])
    return make_console_db(tmp_path / "console.db", FIXED_NOW)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_review(snap_compare: SnapCompare, lycee_url: str, size: tuple[int, int]) -> None:
    """The first of two lines to review: Martin Lukas beside the host Martin Lucas."""
    app = PackWebApp(db_url=lycee_url, operator=OPERATOR)
    assert snap_compare(app, terminal_size=size, run_before=after("v", until=ReviewScreen))


@pytest.fixture
def outbox_url(lycee_url: str) -> str:
    """The lycée's two exact requests approved (two letters), the unknown card rejected."""

    async def decide() -> None:
        async with await Database.open(lycee_url) as db:
            rows = (await pending_queue(db, LYCEE[0])).rows
            await approve_requests(db, [r.id for r in rows if r.approvable], OPERATOR)
            unknown = [r.id for r in rows if r.last_name == "Inconnu"]
            await reject_requests(db, unknown, "Carte inconnue de l'établissement", OPERATOR)

    asyncio.run(decide())
    return lycee_url


def test_outbox_80x24(snap_compare: SnapCompare, outbox_url: str) -> None:
    app = PackWebApp(db_url=outbox_url, operator=OPERATOR)
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("o", until=OutboxScreen))
