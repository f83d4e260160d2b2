"""The Demandes pane and a request's detail as issue 11 found them at 80x24: the host search
that attached the wrong person, keys typed ahead of a dialog, a list left stale after the
accounts were made (the real services, a SQLite file)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual import events
from textual.color import Color
from textual.widgets import OptionList

from packweb_tui.services import queue
from packweb_tui.services.decisions import approve, host_choice
from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.screens.console import ConsoleScreen
from packweb_tui.tui.screens.decisions import ConfirmScreen
from packweb_tui.tui.screens.request_detail import HostSearchScreen, RequestDetailScreen
from packweb_tui.tui.widgets.requests_table import RequestsTable
from tests.tui.support import OPERATOR, wait_loaded, workers_done
from tests.tui.test_credentials_flow import held
from tests.tui.test_requests import lycee_url, make_app, until

__all__ = ["lycee_url"]  # the fixture, shared
SIZE = (80, 24)


def under(app: PackWebApp) -> RequestsTable:
    """The Demandes table, whatever dialog is over it."""
    return app.screen_stack[0].query_one(RequestsTable)


def names(app: PackWebApp) -> list[str]:
    return [row.last_name for row in under(app).visible_rows]


def checked_names(app: PackWebApp) -> list[str]:
    return [row.last_name for row in under(app).checked_rows]


def title(app: PackWebApp) -> str:
    """The title of the dialog on top ("" when there is none)."""
    if not isinstance(app.screen, ConfirmScreen):
        return ""
    return str(app.screen.query_one(".decision-title").render())


def body(app: PackWebApp) -> str:
    return str(app.screen.query_one(".decision-body").render())


def type_ahead(app: PackWebApp, *keys: str) -> None:
    """Keys as a terminal sends them: no waiting for the console between them."""
    assert app._driver is not None
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


async def typed_apart(app: PackWebApp, *keys: str, gap: float) -> None:
    """Keys typed `gap` seconds apart, whatever the console is doing."""
    for key in keys:
        type_ahead(app, key)
        await asyncio.sleep(gap)


async def open_detail(pilot: Any, line: int) -> RequestDetailScreen:
    """The detail of the request on `line` (from 0), once read."""
    app = pilot.app
    await wait_loaded(pilot)
    await pilot.press(*["down"] * line, "enter")
    await until(pilot, lambda: isinstance(app.screen, RequestDetailScreen))
    screen: RequestDetailScreen = app.screen
    await until(pilot, lambda: screen.detail is not None)
    return screen


async def test_the_list_drops_the_approved_lines_at_once(lycee_url: str, monkeypatch: Any) -> None:
    """Bug 7: after `g`, the old list (its lines, its ticks) stayed until the queue was read
    again; the lines approved leave it as soon as the approval is done."""
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")  # the exact ones: DUPONT, Leroy
        assert checked_names(app) == ["DUPONT", "Leroy"]
        release = held(monkeypatch, queue, "pending_queue")  # the queue, read again
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")
        await until(pilot, lambda: title(app) == "Identifiants générés")
        assert names(app) == ["Martin", "Inconnu"]
        assert checked_names(app) == []
        counts = app.screen_stack[0].query_one("#requests-counts").render()
        assert "2 demandes en attente" in str(counts)
        release.set()
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert names(app) == ["Martin", "Inconnu"]


async def test_the_host_search_attaches_the_highlighted_host(lycee_url: str) -> None:
    """Bug 2: `↓` typed in the search field, before or after the results came, must move in
    them; Entrée attaches the highlighted host, that one only, and says which."""
    app = make_app(lycee_url)
    said: list[str] = app.said  # type: ignore[attr-defined]
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, 2)  # Inconnu Jean: no candidate
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HostSearchScreen))
        search = app.screen
        assert isinstance(search, HostSearchScreen)
        # Four hosts of the lycée have an "e" in their names; typed in one go with the
        # arrows, as over SSH, before the results are there.
        type_ahead(app, "e", "down", "down")
        await until(pilot, lambda: len(search.found) == 4)
        await workers_done(pilot)
        results = search.query_one(OptionList)
        assert results.highlighted == 2
        # Shown as the cursor of a list that has the focus (the focus is in the field).
        cursor = Color.parse(app.theme_variables["block-cursor-background"])
        shown = results.get_component_rich_style("option-list--option-highlighted")
        assert shown.bgcolor == cursor.rich_color
        # One ↓ too many stays on the last line (it went round to the first).
        await pilot.press("down", "down", "down")
        assert results.highlighted == 3
        wanted = search.found[3]
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is detail)
        await until(
            pilot,
            lambda: detail.detail is not None and detail.detail.attached is not None,
        )
        assert detail.detail is not None and detail.detail.attached is not None
        assert detail.detail.attached.id == wanted.id
        assert detail.detail.attached_by == OPERATOR
        assert [s for s in said if s.startswith("Rattachée")] == [
            f"Rattachée à {wanted.card} {wanted.display}."
        ]


def slowed(monkeypatch: pytest.MonkeyPatch, module: object, name: str, seconds: float) -> None:
    """`module.name` (a coroutine function) takes `seconds` more: a store as slow as the
    demo's on a small server."""
    real: Callable[..., Awaitable[Any]] = getattr(module, name)

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(seconds)
        return await real(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


@pytest.mark.parametrize("gap", [0.15, 0.0])  # as in the issue; in one read, over SSH
async def test_keys_typed_ahead_reach_the_dialog_they_open(
    lycee_url: str, monkeypatch: pytest.MonkeyPatch, gap: float
) -> None:
    """Bug 3: in a request's detail, Entrée (attach) → g → Entrée typed 0.15 s apart: the
    last Entrée went to the screen underneath and the confirmation stayed open. Each key
    waits for what the one before brings up: the attachment written, the confirmation."""
    slowed(monkeypatch, host_choice, "attach_host", 0.3)
    slowed(monkeypatch, approve, "plan_approval", 0.3)
    app = make_app(lycee_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, 1)  # Martin Lukas: probable, its candidate not attached
        await typed_apart(app, "enter", "g", "enter", gap=gap)
        await until(pilot, lambda: title(app) == "Identifiants générés")
        assert "1 compte créé" in body(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert "Martin" not in names(app)
