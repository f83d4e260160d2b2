"""What the Configuration pane looks like, at 80x24 (a plain SSH terminal) and 160x50: the
form and the closures, a form being edited, the closure dialog refusing an overlap, the
calendar. Fixed clock and data (tests/tui/support.py); accept deliberate changes with
``pytest --snapshot-update`` after looking at them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from packweb_tui.domain.closures import ClosurePeriod
from packweb_tui.services.settings import add_closure, read_settings, save_settings
from packweb_tui.store.database import Database
from packweb_tui.store.models import Closure, Establishment
from packweb_tui.tui.app import PackWebApp as _PackWebApp
from packweb_tui.tui.panes.settings import SettingsPane
from packweb_tui.tui.screens.calendar import CalendarScreen
from packweb_tui.tui.screens.closure_edit import ClosureScreen
from packweb_tui.tui.state import remember_uai
from tests.tui.support import FIXED_NOW, LYCEE, OPERATOR, make_console_db, wait_loaded, wait_until
from tests.tui.test_requests import until as until_there

SnapCompare = Callable[..., bool]
SIZES = [(80, 24), (160, 50)]


@pytest.fixture
def settings_url(tmp_path: Path) -> str:
    """The lycée with its settings saved, the summer gone by, an inventory running (online
    payment closed until the 6th), Noël to come."""
    remember_uai(LYCEE[0])
    url = make_console_db(tmp_path / "console.db", FIXED_NOW)

    async def configure() -> None:
        async with await Database.open(url) as db:
            base = (await read_settings(db, LYCEE[0])).values
            wanted = base.with_values(
                {
                    "school_email": "contact@lycee-hugo.fr",
                    "requests_email": "intendance@lycee-hugo.fr",
                    "min_credit_amount": 500,
                    "school_website": "https://www.lycee-hugo.fr",
                    "reservation_lead_days": 1,
                }
            )
            await save_settings(db, LYCEE[0], wanted, OPERATOR, base, FIXED_NOW)
            inventory = ClosurePeriod(date(2026, 9, 4), date(2026, 9, 6), "Inventaire", True, False)
            await add_closure(db, LYCEE[0], inventory, OPERATOR, FIXED_NOW)
            noel = ClosurePeriod(date(2026, 12, 19), date(2027, 1, 4), "Vacances de Noël")
            await add_closure(db, LYCEE[0], noel, OPERATOR, FIXED_NOW)
            async with db.writing() as session:
                eid = await session.scalar(
                    select(Establishment.id).where(Establishment.uai == LYCEE[0])
                )
                assert eid is not None
                session.add(
                    Closure(
                        establishment_id=eid,
                        starts_on=date(2026, 7, 4),
                        ends_on=date(2026, 8, 31),
                        label="Été",
                        created_by=OPERATOR,
                    )
                )

    asyncio.run(configure())
    return url


def PackWebApp(**kwargs: Any) -> App:
    return _PackWebApp(clock=lambda: FIXED_NOW, **kwargs)


def steady(pilot: Pilot[Any]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def after(
    *keys: str, until: type | None = None, then: tuple[str, ...] = ()
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A run_before: the settings tab shown, `keys` pressed, the screen `until` waited for,
    then `then` pressed there."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_loaded(pilot)
        await pilot.press("4")
        pane = pilot.app.screen.query_one(SettingsPane)
        await wait_until(pilot, lambda: pane.view is not None)
        await pilot.press(*keys)
        if until is not None:  # a dialog: its worker waits on it, do not wait for workers
            await until_there(pilot, lambda: isinstance(pilot.app.screen, until))
        await pilot.press(*then)
        steady(pilot)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_settings_pane(snap_compare: SnapCompare, settings_url: str, size: tuple[int, int]) -> None:
    """The portal closed for payment by a running period; the form; the closures at the end
    of the pane at 80x24 (scrolled to), beside the form from 120 columns."""
    app = PackWebApp(db_url=settings_url, operator=OPERATOR)
    keys = ("end",) if size == (80, 24) else ()
    assert snap_compare(app, terminal_size=size, run_before=after(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_settings_being_edited(
    snap_compare: SnapCompare, settings_url: str, size: tuple[int, int]
) -> None:
    """A wrong address beside its field, two changes marked, the minimum of meals greyed."""
    app = PackWebApp(db_url=settings_url, operator=OPERATOR)
    keys = ("enter", "ctrl+u", *"contact@", "tab", "tab", "space", "shift+tab", "shift+tab")
    assert snap_compare(app, terminal_size=size, run_before=after(*keys))


def test_closure_dialog_refuses_an_overlap_80x24(
    snap_compare: SnapCompare, settings_url: str
) -> None:
    app = PackWebApp(db_url=settings_url, operator=OPERATOR)
    run_before = after(
        "ctrl+n", until=ClosureScreen, then=(*"Pont", "tab", *"01012027", "tab", *"03012027")
    )
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_calendar_80x24(snap_compare: SnapCompare, settings_url: str) -> None:
    """Opened on the start typed: December, today underlined, the days of Noël marked."""
    app = PackWebApp(db_url=settings_url, operator=OPERATOR)

    async def run_before(pilot: Pilot[Any]) -> None:
        await after("ctrl+n", until=ClosureScreen, then=("tab", *"10122026", "down"))(pilot)
        await until_there(pilot, lambda: isinstance(pilot.app.screen, CalendarScreen))
        await pilot.press("right", "down", "pagedown", "pageup")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
