"""The Configuration pane driven by the keyboard at 80x24: the form checked as it is typed,
saved, reverted; leaving with changes asks first; dated closures added through the calendar,
an overlapping one refused, one changed and one deleted (the real services, a SQLite file)."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Checkbox, Input, Static, TabbedContent

from packweb_tui.domain.closures import ClosurePeriod
from packweb_tui.services.establishments import list_establishments
from packweb_tui.services.settings import SettingsView, add_closure, read_settings
from packweb_tui.store.database import Database
from packweb_tui.store.models import AuditEntry, Closure, Establishment
from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.panes.settings import SettingsPane
from packweb_tui.tui.screens.calendar import CalendarScreen
from packweb_tui.tui.screens.closure_edit import ClosureScreen
from packweb_tui.tui.screens.console import ConsoleScreen
from packweb_tui.tui.screens.decisions import ConfirmScreen
from packweb_tui.tui.screens.establishments import EstablishmentsScreen
from packweb_tui.tui.screens.unsaved import UnsavedScreen
from packweb_tui.tui.state import remember_uai
from packweb_tui.tui.widgets.calendar import MonthCalendar
from packweb_tui.tui.widgets.closures import ClosuresTable
from packweb_tui.tui.widgets.date_field import DateField, masked
from tests.tui.support import COLLEGE, FIXED_NOW, LYCEE, OPERATOR, figures, make_console_db
from tests.tui.support import wait_loaded as wait_console
from tests.tui.test_requests import make_app, until

SIZE = (80, 24)
NOEL = ClosurePeriod(date(2026, 12, 19), date(2027, 1, 4), "Noël")


@pytest.fixture
def lycee_url(tmp_path: Path) -> str:
    """The console's store, opened on the lycée; Noël to come, the summer gone by."""
    remember_uai(LYCEE[0])
    url = make_console_db(tmp_path / "console.db", FIXED_NOW)

    async def closures() -> None:
        async with await Database.open(url) as db:
            await add_closure(db, LYCEE[0], NOEL, OPERATOR, FIXED_NOW)
            async with db.writing() as session:
                eid = await session.scalar(
                    select(Establishment.id).where(Establishment.uai == LYCEE[0])
                )
                assert eid is not None
                session.add(  # over before the console's day: only a direct write makes it
                    Closure(
                        establishment_id=eid,
                        starts_on=date(2026, 7, 4),
                        ends_on=date(2026, 8, 31),
                        label="Été",
                        created_by=OPERATOR,
                    )
                )

    asyncio.run(closures())
    return url


def said(app: PackWebApp) -> list[str]:
    return app.said  # type: ignore[attr-defined,no-any-return]


async def stored(app: PackWebApp, uai: str = LYCEE[0]) -> SettingsView:
    assert app.db is not None
    return await read_settings(app.db, uai)


async def open_pane(pilot: object, app: PackWebApp) -> SettingsPane:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await wait_console(pilot)
    await pilot.press("4")
    pane = app.screen.query_one(SettingsPane)
    await until(pilot, lambda: pane.view is not None and pane.view.uai == LYCEE[0])
    return pane


def message(app: PackWebApp, key: str) -> str:
    widget = app.screen.query_one(f"#row-{key} .setting-message", Static)
    return str(widget.content) if widget.display else ""


def mark(app: PackWebApp, key: str) -> str:
    return str(app.screen.query_one(f"#row-{key} .setting-mark", Static).content)


def field(app: PackWebApp, key: str) -> Input:
    return app.screen.query_one(f"#field-{key}", Input)


def focused_id(app: PackWebApp) -> str | None:
    return app.screen.focused.id if app.screen.focused else None


def active_tab(app: PackWebApp) -> str:
    return app.screen.query_one(TabbedContent).active


async def test_the_form_shows_the_settings_and_what_the_portal_shows(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot, app)
        status = figures(app, "settings")
        assert "Le portail aujourd'hui : ouvert, paiement et réservation en ligne" in status
        assert "Email des demandes de compte à renseigner (obligatoire)" in status
        assert "Enregistrés le 05/09/2026 12:00 par agent, en attente de synchronisation." in status
        assert message(app, "requests_email") == "obligatoire"
        assert field(app, "min_credit_amount").value == "1,00"
        assert field(app, "reservation_lead_days").value == "J+0"
        assert app.screen.query_one("#field-show_meal_count", Checkbox).value is True
        # The closures by date, the past one greyed and said so.
        table = app.screen.query_one(ClosuresTable)
        rows = [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]
        assert rows == [
            ["04/07/2026", "31/08/2026", "passée", "paiement et réservation", "Été"],
            ["19/12/2026", "04/01/2027", "à venir", "paiement et réservation", "Noël"],
        ]
        assert table.get_row_at(0)[0].style == "dim"
        # The pane itself has the focus: the digits still change tab.
        assert pane.has_focus
        await pilot.press("5")
        assert active_tab(app) == "sync"


async def test_editing_checks_as_typed_and_saves(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot, app)
        before = await stored(app)
        await pilot.press("enter")
        assert focused_id(app) == "field-school_email"
        await pilot.press(*"abc")
        assert (
            message(app, "school_email") == "adresse email invalide (par ex. intendance@lycee.fr)"
        )
        assert mark(app, "school_email") == "●"
        assert "1 modification non enregistrée" in figures(app, "settings")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("2 champs à corriger" in s for s in said(app)))
        assert await stored(app) == before  # a save that fails writes nothing
        assert focused_id(app) == "field-school_email"

        await pilot.press("ctrl+u", *"vie-scolaire@lycee.fr", "tab")
        assert message(app, "school_email") == ""
        assert focused_id(app) == "field-requests_email"
        await pilot.press(*"Intendance@Lycee.FR", "enter")  # Enter: the next field
        assert focused_id(app) == "field-show_meal_count"
        await pilot.press("tab", "tab", "tab")
        assert focused_id(app) == "field-min_credit_amount"
        await pilot.press(*"2,555")
        assert "deux décimales au plus" in message(app, "min_credit_amount")
        await pilot.press("backspace")
        assert message(app, "min_credit_amount") == ""
        await pilot.press("tab", "tab", *"lycee-hugo", "tab")
        assert message(app, "school_website").startswith("adresse web invalide")
        await pilot.press("shift+tab", "end", *".fr", "tab", "tab")
        assert focused_id(app) == "field-reservation_lead_days"
        assert message(app, "reservation_lead_days").startswith("J+0 : le jour même")  # a hint
        await pilot.press(*"J+1")
        assert pane.changed_keys() == [
            "school_email",
            "requests_email",
            "min_credit_amount",
            "school_website",
            "reservation_lead_days",
        ]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not pane.changed_keys() and not pane.busy)
        saved = await stored(app)
        assert saved.values.school_email == "vie-scolaire@lycee.fr"
        assert saved.values.requests_email == "Intendance@lycee.fr"
        assert saved.values.min_credit_amount_cents == 255
        assert saved.values.school_website == "https://lycee-hugo.fr"
        assert saved.values.reservation_lead_days == 1
        assert (saved.updated_by, saved.pushed_at) == (OPERATOR, None)
        assert field(app, "school_website").value == "https://lycee-hugo.fr"  # as saved
        assert mark(app, "school_email") == ""
        assert any("5 réglages enregistrés" in s for s in said(app))
        status = figures(app, "settings")
        assert "Enregistrés le 05/09/2026 12:00 par agent" in status
        assert "Email des demandes de compte à renseigner" not in status
        assert app.db is not None
        async with app.db.reading() as session:
            entry = await session.scalar(
                select(AuditEntry).where(AuditEntry.action == "settings.update")
            )
        assert entry is not None and entry.operator == OPERATOR
        assert entry.details["changes"]["min_credit_amount"] == {"old": "1,00", "new": "2,55"}


async def test_a_switch_turned_off_greys_its_field(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot, app)
        await pilot.press("enter", "tab", "tab", "tab")
        assert focused_id(app) == "field-min_meals"
        await pilot.press(*"0")
        assert message(app, "min_meals") == "nombre entier de 1 à 100 attendu"
        await pilot.press("shift+tab")
        assert focused_id(app) == "field-show_meal_count"
        await pilot.press("space")
        assert field(app, "min_meals").disabled
        assert field(app, "min_meals").value == "1"  # the wrong value is forgotten
        assert message(app, "min_meals") == ""
        await pilot.press("tab")
        assert focused_id(app) == "field-show_credit_amount"  # the greyed field is skipped
        await pilot.press("shift+tab", "space")
        assert not field(app, "min_meals").disabled
        await pilot.press("space", "ctrl+s")  # off again; the requests email is missing
        await until(pilot, lambda: any("obligatoire" in s for s in said(app)))
        assert (await stored(app)).values.show_meal_count is True  # nothing written
        assert focused_id(app) == "field-requests_email"  # the field to correct
        await pilot.press(*"intendance@lycee.fr", "ctrl+s")
        await until(pilot, lambda: not pane.changed_keys() and not pane.busy)
        assert (await stored(app)).values.show_meal_count is False
        assert field(app, "min_meals").disabled


async def test_one_key_reverts(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot, app)
        await pilot.press("enter", *"x@y.fr", "tab", "tab", "space")
        assert pane.changed_keys() == ["school_email", "show_meal_count"]
        await pilot.press("ctrl+z")
        assert pane.changed_keys() == []
        assert field(app, "school_email").value == ""
        assert app.screen.query_one("#field-show_meal_count", Checkbox).value is True
        assert "modification" not in figures(app, "settings")
        assert any("Modifications annulées" in s for s in said(app))


async def test_leaving_the_tab_with_changes_asks_first(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot, app)
        await pilot.press("enter", *"x@y.fr", "escape")
        assert pane.has_focus
        await pilot.press("1")
        await until(pilot, lambda: isinstance(app.screen, UnsavedScreen))
        await pilot.press("escape")  # stay: nothing lost
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert active_tab(app) == "settings" and pane.changed_keys() == ["school_email"]

        await pilot.press("1")
        await until(pilot, lambda: isinstance(app.screen, UnsavedScreen))
        await pilot.press("n")  # drop the changes and go
        await until(pilot, lambda: active_tab(app) == "requests")
        assert pane.changed_keys() == [] and (await stored(app)).values.school_email is None

        await pilot.press("4")
        await until(pilot, lambda: active_tab(app) == "settings")
        await pilot.press("enter", "tab", *"intendance@lycee.fr", "escape", "5")
        await until(pilot, lambda: isinstance(app.screen, UnsavedScreen))
        await pilot.press("enter")  # save, then go
        await until(pilot, lambda: active_tab(app) == "sync")
        assert (await stored(app)).values.requests_email == "intendance@lycee.fr"


async def test_changing_establishment_or_quitting_with_changes_asks_first(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot, app)
        await pilot.press("enter", *"x@y.fr", "escape")
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, EstablishmentsScreen))
        await pilot.press("up", "enter")  # the collège
        await until(pilot, lambda: isinstance(app.screen, UnsavedScreen))
        await pilot.press("escape")  # stay on the lycée, its changes kept
        await until(
            pilot, lambda: app.establishment is not None and app.establishment.uai == LYCEE[0]
        )
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert pane.view is not None and pane.view.uai == LYCEE[0]
        assert field(app, "school_email").value == "x@y.fr"

        pane.focus()
        await pilot.press("q")  # quitting asks too
        await until(pilot, lambda: isinstance(app.screen, UnsavedScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert app.is_running
        await pilot.press("1")  # from another tab...
        await until(pilot, lambda: isinstance(app.screen, UnsavedScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        await pilot.press("ctrl+q")  # ...Ctrl+Q asks as well
        await until(pilot, lambda: isinstance(app.screen, UnsavedScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert app.is_running

        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, EstablishmentsScreen))
        await pilot.press("up", "enter")
        await until(pilot, lambda: isinstance(app.screen, UnsavedScreen))
        await pilot.press("n")
        await until(pilot, lambda: pane.view is not None and pane.view.uai == COLLEGE[0])
        assert field(app, "school_email").value == "" and not pane.changed_keys()
        assert (await stored(app)).values.school_email is None


def test_the_date_mask() -> None:
    def typed(keys: str) -> str:
        value = ""
        for key in keys:
            value = masked(value, key) or value
        return value

    assert typed("19122026") == "19/12/2026"
    assert typed("5/1/2027") == "05/01/2027"
    assert typed("19/12/2026") == "19/12/2026"  # slashes typed where they come anyway
    assert typed("1912202633") == "19/12/2026"  # nothing past the year
    assert typed("ab19.12-2026") == "19/12/2026"
    assert masked("19", "2") == "19/2"  # the slash erased comes back
    assert masked("", "/") is None


async def test_a_closure_picked_from_the_calendar(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ClosureScreen))
        await pilot.press(*"Toussaint", "tab")
        start = app.screen.query_one("#closure-starts_on", DateField)
        assert start.has_focus
        # Escape closes the calendar and changes nothing.
        await pilot.press("down")
        await until(pilot, lambda: isinstance(app.screen, CalendarScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ClosureScreen))
        assert start.value == ""
        # It opens on today; the arrows, page down, Enter.
        await pilot.press("down")
        await until(pilot, lambda: isinstance(app.screen, CalendarScreen))
        calendar = app.screen.query_one(MonthCalendar)
        assert calendar.cursor == date(2026, 9, 5)
        text = str(calendar.render())
        assert "septembre 2026" in text and "lu  ma  me  je  ve  sa  di" in text
        assert "samedi 5 septembre 2026" in str(
            app.screen.query_one("#calendar-day", Static).content
        )
        await pilot.press("pagedown")
        assert "octobre 2026" in str(calendar.render())
        await pilot.press("down", "down", "left", "left")
        assert calendar.cursor == date(2026, 10, 17)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ClosureScreen))
        assert start.value == "17/10/2026"
        note = str(app.screen.query_one("#closure-starts_on-note", Static).content)
        assert note == "samedi 17 octobre 2026"
        # The end's calendar opens on the start; page up and down, Home back to today.
        await pilot.press("tab", "down")
        await until(pilot, lambda: isinstance(app.screen, CalendarScreen))
        calendar = app.screen.query_one(MonthCalendar)
        assert calendar.cursor == date(2026, 10, 17)
        await pilot.press("home")
        assert calendar.cursor == date(2026, 9, 5)
        await pilot.press("pagedown", "pagedown", "pageup", "down", "down", "right", "right")
        assert calendar.cursor == date(2026, 10, 21)
        await pilot.press("down", *["right"] * 5, "enter")
        await until(pilot, lambda: isinstance(app.screen, ClosureScreen))
        end = app.screen.query_one("#closure-ends_on", DateField)
        assert end.value == "02/11/2026"
        await pilot.press("shift+tab", "shift+tab")  # back to the label: Enter saves
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        closures = (await stored(app)).closures
        assert [c.period.label for c in closures] == ["Été", "Toussaint", "Noël"]
        assert closures[1].period == ClosurePeriod(
            date(2026, 10, 17), date(2026, 11, 2), "Toussaint"
        )
        pane = app.screen.query_one(SettingsPane)
        await until(pilot, lambda: pane.view is not None and len(pane.view.closures) == 3)
        table = app.screen.query_one(ClosuresTable)
        assert str(table.get_row_at(1)[4]) == "Toussaint"
        assert (await stored(app)).to_push


async def test_an_overlapping_or_past_period_is_refused(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app)
        before = await stored(app)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ClosureScreen))
        await pilot.press(*"Vacances", "tab", *"01012027", "tab", *"1/1/2027")
        problem = app.screen.query_one("#closure-problem", Static)
        assert app.screen.query_one("#closure-ends_on", DateField).value == "01/01/2027"
        assert str(problem.content) == "chevauche la période « Noël » du 19/12/2026 au 04/01/2027"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClosureScreen)  # not saved, still open
        assert any("chevauche la période « Noël »" in s for s in said(app))
        # A period already over cannot be created.
        await pilot.press("ctrl+u", *"04092026", "shift+tab", "ctrl+u", *"01092026")
        note = str(app.screen.query_one("#closure-ends_on-note", Static).content)
        assert note == "période déjà terminée : elle ne peut être créée"
        # An end before the start.
        await pilot.press("ctrl+u", *"10102026")
        note = str(app.screen.query_one("#closure-ends_on-note", Static).content)
        assert note == "la fin est avant le début"
        await pilot.press("ctrl+u", *"31022027")
        note = str(app.screen.query_one("#closure-starts_on-note", Static).content)
        assert note == "le 31 février 2027 n'existe pas"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert await stored(app) == before


async def test_a_closure_changed_then_deleted_after_confirmation(lycee_url: str) -> None:
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot, app)
        table = app.screen.query_one(ClosuresTable)
        table.focus()
        await pilot.press("enter")  # the past one does not change
        await until(pilot, lambda: any("est terminée" in s for s in said(app)))
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, ClosureScreen))
        name = app.screen.query_one("#closure-name", Input)
        assert name.value == "Noël"
        await pilot.press("ctrl+u", *"Vacances de Noël", "tab", "tab", "tab", "space", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        noel = (await stored(app)).closures[1]
        assert noel.period.label == "Vacances de Noël" and not noel.period.block_payment
        await until(pilot, lambda: pane.view is not None and pane.view.closures[1] == noel)
        assert str(table.get_row_at(1)[3]) == "réservation"

        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert len((await stored(app)).closures) == 2
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")
        await until(pilot, lambda: pane.view is not None and len(pane.view.closures) == 1)
        assert [c.period.label for c in (await stored(app)).closures] == ["Été"]
        assert app.db is not None
        ids = [e.id for e in await list_establishments(app.db)]
        assert ids  # the store is still whole
