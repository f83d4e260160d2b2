"""Dialogs as issue 11 found them: the help cut off at the bottom, the focus not given back
where it was, toasts left over from another tab or covering a dialog's keys (the real
services, a SQLite file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from packweb_tui.tui.app import PackWebApp
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
