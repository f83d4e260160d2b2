"""Dialogs as issue 11 found them: the help cut off at the bottom, the focus not given back
where it was, toasts left over from another tab or covering a dialog's keys (the real
services, a SQLite file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.widgets import TabbedContent
from textual.widgets._toast import Toast

from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.panes.settings import SettingsPane
from packweb_tui.tui.screens.closure_edit import ClosureScreen
from packweb_tui.tui.screens.console import ConsoleScreen
from packweb_tui.tui.screens.decisions import ConfirmScreen
from packweb_tui.tui.screens.help import HelpScreen
from packweb_tui.tui.widgets.closures import ClosuresTable
from tests.tui.support import FIXED_NOW, LYCEE, OPERATOR, make_console_db, wait_loaded
from tests.tui.test_requests import until
from tests.tui.test_requests_flow import type_ahead


@pytest.fixture
def console_url(tmp_path: Path) -> str:
    from packweb_tui.tui.state import remember_uai

    remember_uai(LYCEE[0])
    return make_console_db(tmp_path / "console.db", FIXED_NOW)


def make_app(url: str) -> PackWebApp:
    return PackWebApp(db_url=url, operator=OPERATOR, clock=lambda: FIXED_NOW)


def active_tab(app: PackWebApp) -> str:
    return str(app.screen_stack[0].query_one(TabbedContent).active)


def screen_lines(app: PackWebApp) -> list[str]:
    """The terminal's lines as painted."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@pytest.mark.parametrize("keys", [["end"], ["pagedown"] * 5])
async def test_the_help_shows_its_last_line(console_url: str, size: Any, keys: list[str]) -> None:
    """Bug 4: the help cut off its last line ("Ctrl+P Palette de commandes : onglets," and
    nothing after); Fin and Pg↓ reach the end."""
    app = make_app(console_url)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "thème…" not in "".join(screen_lines(app))  # longer than the screen
        await pilot.press(*keys)
        await pilot.pause()
        dialog = app.screen.query_one("#help-dialog").content_region
        shown = [line[dialog.x : dialog.right] for line in screen_lines(app)]
        words = " ".join(" ".join(shown[dialog.y : dialog.bottom]).split())
        assert words.endswith("Palette de commandes : onglets, établissements, thème…")
        assert app.screen.query_one("#help-keys").region.bottom <= dialog.bottom


def toasts(app: PackWebApp) -> list[Toast]:
    return list(app.screen.query(Toast))


async def test_a_toast_leaves_with_its_pane(console_url: str) -> None:
    """Bug 9: toasts stayed across tab changes: a toast belongs to the pane it speaks of."""
    app = make_app(console_url)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_loaded(pilot)
        await pilot.press("g")  # nothing ticked: said in a toast
        await until(pilot, lambda: len(toasts(app)) == 1)
        await pilot.press("3")
        await until(pilot, lambda: app.screen.query_one("#accounts-pane").display)
        await pilot.pause()
        assert toasts(app) == []


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@pytest.mark.parametrize("lines", [15, 40])  # as tall as the screen; taller
async def test_a_toast_never_covers_a_dialogs_keys(console_url: str, size: Any, lines: int) -> None:
    """Bug 9: toasts covered the keys line of a tall dialog (and a taller one pushed its
    keys off the screen)."""
    app = make_app(console_url)
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_loaded(pilot)
        tall = Content("\n".join(f"ligne {n}" for n in range(lines)))
        app.push_screen(ConfirmScreen("Question", tall, True))
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        app.notify("Deuxième ligne\nTroisième ligne", title="Quelque chose est arrivé")
        await until(pilot, lambda: len(toasts(app)) == 1)
        keys = app.screen.query_one(".decision-keys")
        (toast,) = toasts(app)
        assert keys.region and toast.region
        assert keys.region.bottom < app.size.height  # on the screen, above the footer
        assert not toast.region.overlaps(keys.region)


async def settings_tab(pilot: Any) -> SettingsPane:
    await wait_loaded(pilot)
    await pilot.press("4")
    pane: SettingsPane = pilot.app.screen.query_one(SettingsPane)
    await until(pilot, lambda: pilot.app.focused is pane)
    return pane


async def test_ctrl_n_then_escape_leaves_no_key_in_a_field(console_url: str) -> None:
    """Bug 8: Ctrl+N, then Échap, then 1, in one read: the Échap came before the dialog was
    up (it stayed open, or broke while opening) and the 1 went into a text field. Now the
    dialog closes, the focus is on the pane again, and 1 shows Demandes."""
    app = make_app(console_url)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await settings_tab(pilot)
        type_ahead(app, "ctrl+n", "escape", "1")
        await until(pilot, lambda: active_tab(app) == "requests")
        assert isinstance(app.screen, ConsoleScreen)
        assert not pane.dirty
        await pilot.press("4")
        await until(pilot, lambda: app.focused is pane)


async def test_the_focus_goes_back_where_it_was_when_a_dialog_closes(console_url: str) -> None:
    """Bug 8, the general rule: the focus goes back to what had it when the dialog opened;
    if that is gone meanwhile, to what the pane's keys act on, never a field or the tabs."""
    app = make_app(console_url)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await settings_tab(pilot)
        closures = app.screen.query_one(ClosuresTable)
        closures.focus()
        await until(pilot, lambda: app.focused is closures)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ClosureScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert app.focused is closures
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ClosureScreen))
        closures.display = False  # gone while the dialog is up (the section hidden)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        await pilot.pause()
        assert app.focused is pane
