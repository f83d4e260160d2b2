"""Dialogs as issue 11 found them: the help cut off at the bottom, the focus not given back
where it was, toasts left over from another tab or covering a dialog's keys (the real
services, a SQLite file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.widgets._toast import Toast

from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.screens.decisions import ConfirmScreen
from packweb_tui.tui.screens.help import HelpScreen
from tests.tui.support import FIXED_NOW, LYCEE, OPERATOR, make_console_db, wait_loaded
from tests.tui.test_requests import until


@pytest.fixture
def console_url(tmp_path: Path) -> str:
    from packweb_tui.tui.state import remember_uai

    remember_uai(LYCEE[0])
    return make_console_db(tmp_path / "console.db", FIXED_NOW)


def make_app(url: str) -> PackWebApp:
    return PackWebApp(db_url=url, operator=OPERATOR, clock=lambda: FIXED_NOW)


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
