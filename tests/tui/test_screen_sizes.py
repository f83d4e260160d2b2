"""The screen as the demo shows it at 80x24, 100x30 and 160x50: a footer of whole hints, cut
cells ending with "…", the request's detail whole, sort arrows beside whole titles, columns
as wide as their texts where there is room; the Identifiants list sorted and filtered."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey, FooterLabel

from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.names import clean_text, fold_name
from packweb_tui.domain.states import CredentialsState
from packweb_tui.resources import demo_dir
from packweb_tui.services.decisions.approve import approve_requests
from packweb_tui.services.demo import load_demo
from packweb_tui.services.queue import pending_queue
from packweb_tui.store.database import Database
from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.panes.credentials import CredentialsPane
from packweb_tui.tui.screens.help import HelpScreen
from packweb_tui.tui.screens.request_detail import RequestDetailScreen
from packweb_tui.tui.state import remember_uai
from packweb_tui.tui.widgets.requests_rows import COLUMNS, SORTS
from packweb_tui.tui.widgets.requests_table import RequestsTable
from tests.tui.support import FIXED_NOW, LYCEE, OPERATOR, wait_loaded, wait_until

SIZES = [(80, 24), (100, 30), (160, 50)]
APPROVED = ("ROUX", "BLANC")  # exact requests of the lycée, approved


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo at the fixed instant, a few of the lycée's exact requests approved (their
    letters to send beside the accounts the demo has delivered already)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"

    async def create() -> None:
        async with await Database.create(f"sqlite+aiosqlite:///{path}") as db:
            await load_demo(db, OPERATOR, demo_dir(), FIXED_NOW)
            queue = await pending_queue(db, LYCEE[0])
            chosen = [
                row.id
                for row in queue.rows
                if row.last_name.upper() in APPROVED and row.match_kind == MatchKind.EXACT
            ]
            await approve_requests(db, chosen, OPERATOR)

    asyncio.run(create())
    return path


@pytest.fixture
def demo_url(demo_file: Path, tmp_path: Path) -> str:
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    remember_uai(LYCEE[0])
    return f"sqlite+aiosqlite:///{path}"


def make_app(url: str) -> PackWebApp:
    return PackWebApp(db_url=url, operator=OPERATOR, demo=True, clock=lambda: FIXED_NOW)


def screen_lines(app: PackWebApp) -> list[str]:
    """The screen as the terminal shows it, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.pause()  # the footer composes its hints after a refresh


def cut_hints(app: PackWebApp) -> list[str]:
    """The hints of the footer drawn in part: running under the palette's key or off the
    screen."""
    footer = app.screen.query_one(Footer)
    palettes = [key for key in footer.query(FooterKey) if key.has_class("-command-palette")]
    limit = palettes[0].region.x if palettes else footer.region.right
    return [
        str(getattr(hint, "description", "") or hint.render())
        for hint in footer.query("FooterKey, FooterLabel")
        if not hint.has_class("-command-palette")
        and isinstance(hint, FooterKey | FooterLabel)
        and hint.region.width
        and hint.region.right > limit
    ]


@pytest.mark.parametrize("size", SIZES)
async def test_the_footer_shows_whole_hints_only(demo_url: str, size: tuple[int, int]) -> None:
    """Every screen's footer: the hints that fit, whole ("^e Ét▏" is not one); help, which
    lists them all, stays; at 80 columns, the Demandes pane's decisions are there."""
    app = make_app(demo_url)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        await settle(pilot)
        assert cut_hints(app) == []
        footer = screen_lines(app)[-1]
        assert "r Refuser" in footer and "g Générer" in footer and "F1/? Aide" in footer
        for tab in ("2", "3", "4", "5", "1"):
            await pilot.press(tab)
            await settle(pilot)
            assert cut_hints(app) == [], tab
            assert "F1/? Aide" in screen_lines(app)[-1]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RequestDetailScreen))
        await settle(pilot)
        assert cut_hints(app) == [] and "Aide" in screen_lines(app)[-1]
        await pilot.press("escape", "f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await settle(pilot)
        assert cut_hints(app) == []


def whole_or_ellipsis(text: str, line: str) -> bool:
    """`text` is on `line`, or its beginning followed by "…"."""
    return text in line or any(f"{text[:n]}…" in line for n in range(1, len(text)))


async def test_a_cut_cell_ends_with_an_ellipsis(demo_url: str) -> None:
    """At 80x24, beside the scrollbar: "MARCHAL-BONNET H…", never "MARCHAL-BONNET Hug"."""
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(RequestsTable)
        assert table.show_vertical_scrollbar
        lines = screen_lines(app)
        top = table.region.y + 1  # under the titles
        for n, row in enumerate(table.visible_rows[: table.scrollable_content_region.height - 1]):
            line = lines[top + n]
            for text in (row.last_name, row.first_name, row.host_name or ""):
                assert whole_or_ellipsis(clean_text(text), line), (text, line)


@pytest.mark.parametrize("size", [(100, 30), (160, 50)])
async def test_the_accounts_columns_cut_with_an_ellipsis(
    demo_url: str, size: tuple[int, int]
) -> None:
    """Identifiants: long logins and names end with "…", and never push the column beside
    out of the table."""
    app = make_app(demo_url)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        pane = app.screen.query_one(CredentialsPane)
        await wait_until(pilot, lambda: len(pane.rows) == len(pane.all_rows) > 15)
        table = pane.query_one("#credentials-table")
        assert table.virtual_size.width <= table.scrollable_content_region.width
        lines = screen_lines(app)
        top = table.region.y + 1
        for n, row in enumerate(pane.rows[: table.scrollable_content_region.height - 1]):
            line = lines[top + n]
            assert whole_or_ellipsis(row.login, line) and whole_or_ellipsis(row.holder, line)


async def test_sort_arrows_leave_the_titles_whole(demo_url: str) -> None:
    """At 80x24, `t` through every column shown, then `d`: "Carte ↑", not "Cart…"."""
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(RequestsTable)
        titles = {column.key: column.title for column in COLUMNS}
        seen = set()
        for _ in SORTS:
            await pilot.press("t")
            for arrow in ("↑", "↓"):
                header = screen_lines(app)[table.region.y]
                if table.sort_key != "received":  # not in 80 columns: the info line says it
                    assert f"{titles[table.sort_key]} {arrow}" in header, header
                await pilot.press("d")
            seen.add(table.sort_key)
        assert seen == {"received", "last", "first", "card", "kind", "host"}


async def test_the_requests_detail_is_never_cut(demo_url: str) -> None:
    """At 80x24, on every line of the lycée's queue, the detail under the table is whole;
    its height never shrinks as the cursor moves (the table does not jump)."""
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(RequestsTable)
        info = app.screen.query_one("#requests-info", Static)
        heights = []
        for _ in table.visible_rows:
            await pilot.pause()
            region = info.content_region
            text = Content(str(info.content))
            assert len(text.wrap(region.width)) <= region.height, str(info.content)
            heights.append(region.height)
            await pilot.press("down")
        assert heights == sorted(heights)


async def test_the_width_is_used_at_160_columns(demo_url: str) -> None:
    """At 160x50 the collège's emails and match kinds are whole ("Déjà un compte", not
    "Déjà un co…"): its columns grow with their texts."""
    from packweb_tui.services.establishments import list_establishments

    app = make_app(demo_url)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_loaded(pilot)
        assert app.db is not None
        college = next(e for e in await list_establishments(app.db) if e.uai == "0692185A")
        app.select_establishment(college)
        table = app.screen.query_one(RequestsTable)
        await wait_until(pilot, lambda: len(table.rows) == 64)
        kinds = {row.match_kind for row in table.visible_rows}
        assert MatchKind.HAS_ACCOUNT in kinds
        lines = screen_lines(app)
        top = table.region.y + 1
        for n, row in enumerate(table.visible_rows[: table.scrollable_content_region.height - 1]):
            line = lines[top + n]
            assert "…" not in line, line
            assert clean_text(row.email) in line and row.match_kind.label in line, line


# --- the Identifiants list -------------------------------------------------------------------
async def identifiants(pilot: Pilot[Any]) -> CredentialsPane:
    await wait_loaded(pilot)
    await pilot.press("2")
    pane = pilot.app.screen.query_one(CredentialsPane)
    await wait_until(
        pilot,
        lambda: (
            len(pane.rows) == len(pane.all_rows) > 15
            and pane.query_one("#credentials-table").has_focus
        ),
    )
    return pane


def header(pilot: Pilot[Any], pane: CredentialsPane) -> str:
    return screen_lines(pilot.app)[pane.query_one("#credentials-table").region.y]


@pytest.mark.parametrize("size", [(80, 24), (120, 30)])
async def test_the_accounts_sort_with_t_and_d(demo_url: str, size: tuple[int, int]) -> None:
    """`t` as in the Demandes pane: by state (the store's order: letters to deliver first),
    login (where it has its column), holder; `d` the other way; the cursor stays on its
    account."""
    app = make_app(demo_url)
    async with app.run_test(size=size) as pilot:
        pane = await identifiants(pilot)
        assert [r.state for r in pane.rows[:3]] == [CredentialsState.TO_SEND] * 3
        assert "État ↑" in header(pilot, pane)
        await pilot.press("down")
        followed = pane.current
        assert followed is not None
        if size[0] >= 120:
            await pilot.press("t")
            assert pane.sort_key == "login" and "Identifiant ↑" in header(pilot, pane)
            assert [r.login for r in pane.rows] == sorted(r.login for r in pane.rows)
        await pilot.press("t")
        assert pane.sort_key == "holder" and "Pour ↑" in header(pilot, pane)
        holders = [fold_name(r.holder) for r in pane.rows]
        assert holders == sorted(holders)
        assert pane.current == followed
        await pilot.press("d")
        assert "Pour ↓" in header(pilot, pane)
        assert [fold_name(r.holder) for r in pane.rows] == sorted(holders, reverse=True)
        assert pane.current == followed
        await pilot.press("t")
        assert pane.sort_key == "state" and not pane.sort_reverse
        assert [r.state for r in pane.rows[:3]] == [CredentialsState.TO_SEND] * 3


@pytest.mark.parametrize(
    ("typed", "states"),
    [
        ("à env", {CredentialsState.TO_SEND}),
        ("a envoyer", {CredentialsState.TO_SEND}),
        ("envoyé", {CredentialsState.SENT}),
        ("envoy", {CredentialsState.TO_SEND, CredentialsState.SENT}),
    ],
)
async def test_the_state_filter_matches_whole_states(
    demo_url: str, typed: str, states: set[CredentialsState]
) -> None:
    """Typed « à env » finds the letters à envoyer, not those envoyé (its "a" is no name's
    letter, nor its "env" a piece of "envoyé")."""
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await identifiants(pilot)
        await pilot.press("slash", *typed)
        await pilot.pause()
        assert {r.state for r in pane.rows} == states
        every = [r for r in pane.all_rows if r.state in states]
        assert len(pane.rows) == len(every)
