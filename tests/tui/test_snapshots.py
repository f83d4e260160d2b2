"""What the console looks like, at 80x24 (a plain SSH terminal) and 160x50.

The pictures are SVG files under tests/tui/__snapshots__/; after a deliberate change of the
screen, look at the new ones and accept them with ``pytest --snapshot-update``. Nothing in
them moves: fixed operator, fixed dates, no clock, no blinking cursor."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from packweb_tui.tui.app import PackWebApp as _PackWebApp
from packweb_tui.tui.screens.establishments import EstablishmentsScreen
from packweb_tui.tui.screens.help import HelpScreen
from packweb_tui.tui.screens.request_detail import RequestDetailScreen
from packweb_tui.tui.state import remember_uai
from tests.tui.support import (
    FIXED_NOW,
    LYCEE,
    OPERATOR,
    make_console_db,
    make_empty_db,
    wait_loaded,
    wait_until,
    workers_done,
)

SnapCompare = Callable[..., bool]


@pytest.fixture
def console_url(tmp_path: Path) -> str:
    return make_console_db(tmp_path / "console.db", FIXED_NOW)


def PackWebApp(**kwargs: Any) -> App:
    """The console at the fixed instant: ages and lateness stay put in the pictures; so does
    the database it names (the help screen), whatever the temporary folder."""
    app = _PackWebApp(clock=lambda: FIXED_NOW, **kwargs)
    app.context.database = "/var/lib/packweb/packweb.db"
    return app


def steady_cursor(pilot: Pilot[Any]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def after(*keys: str, until: type | None = None) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A run_before: wait for the figures, press `keys`, wait for the screen `until`."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_loaded(pilot)
        await pilot.press(*keys)
        if until is not None:
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, until))
        steady_cursor(pilot)
        await workers_done(pilot)
        await pilot.pause()

    return run_before


def test_frame_80x24(snap_compare: SnapCompare, console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    assert snap_compare(app, terminal_size=(80, 24), run_before=after())


def test_frame_160x50(snap_compare: SnapCompare, console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR, demo=True)
    assert snap_compare(app, terminal_size=(160, 50), run_before=after())


@pytest.mark.parametrize("key", ["2", "3", "4", "5"])
def test_tabs_80x24(snap_compare: SnapCompare, console_url: str, key: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    assert snap_compare(app, terminal_size=(80, 24), run_before=after(key))


def test_help_80x24(snap_compare: SnapCompare, console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("f1", until=HelpScreen))


def test_switcher_80x24(snap_compare: SnapCompare, console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    run_before = after("ctrl+e", until=EstablishmentsScreen)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_switcher_filtered_80x24(snap_compare: SnapCompare, console_url: str) -> None:
    app = PackWebApp(db_url=console_url, operator=OPERATOR)

    async def run_before(pilot: Pilot[Any]) -> None:
        await after("ctrl+e", until=EstablishmentsScreen)(pilot)
        await pilot.press(*"lycee")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_no_color_80x24(
    snap_compare: SnapCompare, console_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = PackWebApp(db_url=console_url, operator=OPERATOR)
    assert snap_compare(app, terminal_size=(80, 24), run_before=after())


def test_no_establishment_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = PackWebApp(db_url=make_empty_db(tmp_path / "empty.db"), operator=OPERATOR)
    assert snap_compare(app, terminal_size=(80, 24), run_before=after())


@pytest.fixture
def lycee_url(tmp_path: Path) -> str:
    remember_uai(LYCEE[0])  # the Lycée has a request of every sort
    return make_console_db(tmp_path / "console.db", FIXED_NOW)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_requests_pane(snap_compare: SnapCompare, lycee_url: str, size: tuple[int, int]) -> None:
    """Two lines ticked, the cursor on the third."""
    app = PackWebApp(db_url=lycee_url, operator=OPERATOR)
    assert snap_compare(app, terminal_size=size, run_before=after("space", "space"))


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_requests_filtered(
    snap_compare: SnapCompare, lycee_url: str, size: tuple[int, int]
) -> None:
    app = PackWebApp(db_url=lycee_url, operator=OPERATOR)
    assert snap_compare(app, terminal_size=size, run_before=after("slash", *"exacte"))


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_request_detail(snap_compare: SnapCompare, lycee_url: str, size: tuple[int, int]) -> None:
    """Martin Lukas beside the host Martin Lucas: the first name differs."""
    app = PackWebApp(db_url=lycee_url, operator=OPERATOR)
    run_before = after("down", "enter", until=RequestDetailScreen)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.fixture
def letters_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The lycée with DUPONT's account created, its letter still to deliver (a fixed
    password, so that the picture stays put); letters written under ./lettres."""
    import asyncio

    from sqlalchemy import update

    from packweb_tui.services.decisions.approve import approve_requests
    from packweb_tui.services.queue import pending_queue
    from packweb_tui.store.database import Database
    from packweb_tui.store.models import Letter

    remember_uai(LYCEE[0])
    url = make_console_db(tmp_path / "console.db", FIXED_NOW)

    async def approve() -> None:
        async with await Database.open(url) as db:
            queue = await pending_queue(db, LYCEE[0])
            await approve_requests(db, [r.id for r in queue.rows if r.approvable], OPERATOR)
            async with db.writing() as session:
                await session.execute(update(Letter).values(password_plain="Kp7m-X2qr-9tzh-Wd"))

    asyncio.run(approve())
    monkeypatch.chdir(tmp_path)
    return url


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_credentials_pane(
    snap_compare: SnapCompare, letters_url: str, size: tuple[int, int]
) -> None:
    """Two accounts, the first letter previewed on the right, the second ticked."""
    from packweb_tui.config import Config

    config = Config(letters_directory=Path("lettres"))
    app = PackWebApp(db_url=letters_url, operator=OPERATOR, config=config)
    assert snap_compare(app, terminal_size=size, run_before=after("2", "down", "space", "up"))
