"""The Demandes pane driven by the keyboard at 80x24: ticking, filtering, sorting, the
detail, attaching by hand, approving and rejecting (the real services, a SQLite file)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from packweb_tui.domain.requests import RequestRecord
from packweb_tui.services.queue import pending_queue
from packweb_tui.services.requests import import_requests
from packweb_tui.store.database import Database
from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.panes.requests import RequestsPane
from packweb_tui.tui.screens.console import ConsoleScreen
from packweb_tui.tui.screens.decisions import ConfirmScreen, ReasonScreen
from packweb_tui.tui.screens.request_detail import HostSearchScreen, RequestDetailScreen
from packweb_tui.tui.state import last_uai, remember_uai
from packweb_tui.tui.widgets.requests_table import RequestsTable
from tests.tui.support import (
    COLLEGE,
    FIXED_NOW,
    LYCEE,
    OPERATOR,
    figures,
    make_console_db,
    wait_loaded,
    workers_done,
)

SIZE = (80, 24)


async def until(pilot: Pilot[Any], ready: Callable[[], bool], timeout: float = 15) -> None:
    """Let the app work until `ready()`. Unlike tui_support.wait_until, it does not wait for
    the workers: the decisions' worker waits on the dialogs the test answers."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not ready():
        assert loop.time() < deadline, (
            f"not there in time: {pilot.app.screen_stack} {getattr(pilot.app, 'said', None)}"
        )
        await pilot.pause(0.02)
    await pilot.pause()


@pytest.fixture
def lycee_url(tmp_path: Path) -> str:
    remember_uai(LYCEE[0])  # the console opens on the establishment used last
    return make_console_db(tmp_path / "console.db", FIXED_NOW)


def make_app(url: str) -> PackWebApp:
    app = PackWebApp(db_url=url, operator=OPERATOR, clock=lambda: FIXED_NOW)
    said: list[str] = []
    app.said = said  # type: ignore[attr-defined]
    notify = app.notify

    def keep(message: str, *args: Any, **kwargs: Any) -> None:
        said.append(message)
        notify(message, *args, **kwargs)

    app.notify = keep  # type: ignore[method-assign]
    return app


def table(app: PackWebApp) -> RequestsTable:
    return app.screen.query_one(RequestsTable)


def names(app: PackWebApp) -> list[str]:
    return [row.last_name for row in table(app).visible_rows]


def checked_names(app: PackWebApp) -> list[str]:
    return [row.last_name for row in table(app).checked_rows]


async def test_opens_on_the_last_establishment_oldest_first(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.establishment is not None and app.establishment.uai == LYCEE[0]
        assert names(app) == ["DUPONT", "Martin", "Inconnu", "Leroy"]
        assert table(app).has_focus
        assert "4 demandes en attente, dont 3 depuis plus de 48 h" in figures(app, "requests")
        # The painted lines: lateness in words, kinds in words.
        lines = [table(app).render_line(y).text for y in range(5)]
        assert "Attente" in lines[0] and "Concordance" in lines[0]
        assert "retard" in lines[1] and "Exacte" in lines[1] and "DUPONT Marie-Hélène" in lines[1]
        assert "Probable" in lines[2] and "Introuvable" in lines[3]
        assert "1 h" in lines[4] and "retard" not in lines[4]
        assert all(len(line) == table(app).size.width for line in lines)
        # Choosing another establishment is remembered for the next time.
        from packweb_tui.services.establishments import list_establishments

        assert app.db is not None
        college = next(e for e in await list_establishments(app.db) if e.uai == COLLEGE[0])
        app.select_establishment(college)
        await until(pilot, lambda: names(app) == ["Adam"])
        assert last_uai() == COLLEGE[0]


async def test_ticking_with_space_shift_and_the_letters(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("space")  # ticks DUPONT, moves to Martin
        assert checked_names(app) == ["DUPONT"]
        await pilot.press("shift+down", "shift+down")  # from Martin down to Leroy
        assert checked_names(app) == ["DUPONT", "Martin", "Inconnu", "Leroy"]
        await pilot.press("up", "space")  # Inconnu off again
        assert checked_names(app) == ["DUPONT", "Martin", "Leroy"]
        await pilot.press("shift+up")  # Martin stays, Inconnu back (from the line left)
        assert checked_names(app) == ["DUPONT", "Martin", "Inconnu", "Leroy"]
        await pilot.press("n")
        assert checked_names(app) == []
        await pilot.press("e")  # the exact ones
        assert checked_names(app) == ["DUPONT", "Leroy"]
        await pilot.press("i")
        assert checked_names(app) == ["Martin", "Inconnu"]
        await pilot.press("a")
        assert len(checked_names(app)) == 4
        await pilot.press("end")
        assert table(app).current is not None and table(app).current.last_name == "Leroy"
        await pilot.press("home", "pagedown")
        assert table(app).current is not None and table(app).current.last_name == "Leroy"


async def test_a_burst_of_keys_after_the_slash_goes_to_the_filter(lycee_url: str) -> None:
    """Over SSH a fast typist's `/dup` (or a paste) arrives in one read: every key is queued
    to the table before the `/` has moved the focus; none is lost."""
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app._driver is not None
        for key, char in (("slash", "/"), ("d", "d"), ("u", "u"), ("p", "p")):
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # no pause between them, unlike pilot.press
        await until(pilot, lambda: names(app) == ["DUPONT"])
        assert app.screen.query_one("#requests-filter", Input).value == "dup"


async def test_filter_as_you_type_and_sort(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"hélene")  # accents and case aside
        assert names(app) == ["DUPONT"]
        await pilot.press("escape")
        assert names(app) == ["DUPONT", "Martin", "Inconnu", "Leroy"]
        assert table(app).has_focus
        await pilot.press("slash", *"EXACTE", "enter")  # the kind's word
        assert names(app) == ["DUPONT", "Leroy"]
        assert table(app).has_focus
        await pilot.press("e", "escape")  # "visible" exact ones; escape clears the filter
        assert names(app) == ["DUPONT", "Martin", "Inconnu", "Leroy"]
        assert checked_names(app) == ["DUPONT", "Leroy"]
        await pilot.press("slash", *"p3@example", "enter")  # e-mail
        assert names(app) == ["Inconnu"]
        await pilot.press("escape", "slash", *"99999", "enter")  # card digits
        assert names(app) == ["Inconnu"]
        await pilot.press("escape")
        await pilot.press("t")  # by last name
        assert table(app).sort_key == "last"
        assert names(app) == ["DUPONT", "Inconnu", "Leroy", "Martin"]
        await pilot.press("d")
        assert names(app) == ["Martin", "Leroy", "Inconnu", "DUPONT"]
        await pilot.press("t")  # first name, ascending again
        assert table(app).sort_key == "first" and not table(app).sort_reverse
        assert names(app) == ["Inconnu", "Martin", "DUPONT", "Leroy"]


@pytest.fixture
def evil_url(lycee_url: str) -> str:
    async def add() -> None:
        async with await Database.open(lycee_url) as db:
            await import_requests(
                db,
                [
                    RequestRecord(
                        "evil-1", LYCEE[0], "12345", "[bold red]X[/]", "\x1b[31mY", "a@b.fr",
                        FIXED_NOW,
                    )
                ],
                OPERATOR,
                "test",
            )  # fmt: skip

    asyncio.run(add())
    return lycee_url


async def test_untrusted_text_is_shown_literally(evil_url: str) -> None:
    url = evil_url
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("end")
        text = "\n".join(table(app).render_line(y).text for y in range(8))
        assert "[bold red]X" in text  # cut to its column, but literal
        assert "\x1b" not in text and "[31mY" in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RequestDetailScreen))
        await workers_done(pilot)
        shown = str(app.screen.query_one("#detail-request").render())
        assert "[bold red]X[/]" in shown and "\x1b" not in shown


async def test_detail_attach_by_hand_then_approve(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("down", "enter")  # Martin Lukas, probable
        await until(pilot, lambda: isinstance(app.screen, RequestDetailScreen))
        screen = app.screen
        assert isinstance(screen, RequestDetailScreen)
        await until(pilot, lambda: screen.detail is not None)
        assert screen.detail is not None and not screen.detail.approvable
        option = screen.query_one("#detail-hosts").get_option_at_index(0)  # type: ignore[attr-defined]
        assert "≠Lucas" in str(option.prompt)  # the difference is marked
        # Search another host of the establishment and attach it by hand.
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HostSearchScreen))
        await pilot.press(*"petit")
        await until(pilot, lambda: bool(app.screen.found))  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        await until(
            pilot, lambda: screen.detail is not None and screen.detail.attached_by == OPERATOR
        )
        assert screen.detail.attached is not None and screen.detail.attached.card == "7700022222"
        # Or the candidate itself, with Entrée.
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                screen.detail is not None
                and screen.detail.attached is not None
                and screen.detail.attached.card == "1234500002"
            ),
        )
        assert screen.detail.approvable
        await pilot.press("g")  # approve this one: the pane's confirmation
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "1 compte sera créé" in str(app.screen.query_one(".decision-body").render())
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, ConfirmScreen)
                and "créé" in str(app.screen.query_one(".decision-body").render())
            ),
        )
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        await until(pilot, lambda: "Martin" not in names(app))


async def test_bulk_approval_counts_confirms_and_offers_the_credentials(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("g")  # nothing ticked: said, nothing done
        assert isinstance(app.screen, ConsoleScreen)
        await pilot.press("a", "g")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        body = str(app.screen.query_one(".decision-body").render())
        assert "2 comptes seront créés" in body
        assert "2 lignes ignorées" in body and "ni exact ni confirmé à la main" in body
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, ConfirmScreen)
                and "Identifiants générés" in str(app.screen.query_one(".decision-title").render())
            ),
        )
        body = str(app.screen.query_one(".decision-body").render())
        assert "2 comptes créés" in body
        await pilot.press("enter")  # go to the credentials
        await until(
            pilot,
            lambda: app.screen.query_one("TabbedContent").active == "credentials",  # type: ignore[attr-defined]
        )
        await until(pilot, lambda: names(app) == ["Martin", "Inconnu"])
        assert checked_names(app) == ["Martin", "Inconnu"]  # the lines left aside stay ticked
        assert app.db is not None
        assert len((await pending_queue(app.db, LYCEE[0])).rows) == 2


async def test_rejection_with_a_reason_from_the_list_or_typed(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("down", "down", "space", "r")  # Inconnu
        await until(pilot, lambda: isinstance(app.screen, ReasonScreen))
        await pilot.press("enter")  # the first usual reason
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Carte inconnue" in str(app.screen.query_one(".decision-body").render())
        await pilot.press("enter")
        await until(pilot, lambda: names(app) == ["DUPONT", "Martin", "Leroy"])
        # A typed reason; Échap at the confirmation leaves everything as it was.
        await pilot.press("home", "space", "r")
        await until(pilot, lambda: isinstance(app.screen, ReasonScreen))
        await pilot.press("end", "enter", *"Carte perdue", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Carte perdue" in str(app.screen.query_one(".decision-body").render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert names(app) == ["DUPONT", "Martin", "Leroy"]
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReasonScreen))
        await pilot.press("end", "enter", *"Carte perdue", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")
        await until(pilot, lambda: names(app) == ["Martin", "Leroy"])
        await asyncio.sleep(0)
        pane = app.screen.query_one(RequestsPane)
        assert not pane.busy
