"""The Identifiants pane as issue 11 found it at 80x24: ticks that must show, a letter
preview that says it is reading, the cursor that follows its account, a list up to date as
soon as the letters are sent (the real services, a SQLite file, a real SMTP server)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from packweb_tui.config import Config, SmtpConfig
from packweb_tui.services import letters
from packweb_tui.services.decisions.approve import approve_requests
from packweb_tui.services.editions import print_edition
from packweb_tui.services.letters import credentials_rows
from packweb_tui.services.queue import pending_queue
from packweb_tui.store.database import Database
from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.panes.credentials import CredentialsPane
from packweb_tui.tui.screens.decisions import ConfirmScreen
from packweb_tui.tui.state import remember_uai
from packweb_tui.tui.widgets.accounts_table import AccountsTable
from tests.smtp_support import Mailbox, SmtpServer
from tests.tui.support import FIXED_NOW, LYCEE, OPERATOR, make_console_db, wait_loaded
from tests.tui.test_requests import until

SIZE = (80, 24)
DUPONT, LEROY = "marie-helene.dupont", "paul.leroy"


@pytest.fixture
def two_accounts_url(tmp_path: Path) -> str:
    """The lycée's two exact requests approved: DUPONT then LEROY, both letters to send."""
    remember_uai(LYCEE[0])
    url = make_console_db(tmp_path / "console.db", FIXED_NOW)

    async def approve() -> None:
        async with await Database.open(url) as db:
            queue = await pending_queue(db, LYCEE[0])
            exact = [r.id for r in queue.rows if r.last_name in ("DUPONT", "Leroy")]
            await approve_requests(db, exact, OPERATOR)

    asyncio.run(approve())
    return url


def make_app(url: str, tmp_path: Path, config: Config | None = None) -> PackWebApp:
    config = config or Config(letters_directory=tmp_path / "lettres")
    return PackWebApp(db_url=url, operator=OPERATOR, clock=lambda: FIXED_NOW, config=config)


def preview(app: PackWebApp) -> str:
    return str(app.screen.query_one("#credentials-letter").render())


def tick_cells(app: PackWebApp) -> list[str]:
    """The tick column as painted (not as stored: a cell read as markup paints blank)."""
    table = app.screen.query_one(AccountsTable)
    return [table.render_line(y).text[:4] for y in range(1, table.row_count + 1)]


async def credentials_tab(pilot: Any) -> CredentialsPane:
    await wait_loaded(pilot)
    await pilot.press("2")
    pane: CredentialsPane = pilot.app.screen.query_one(CredentialsPane)
    await until(pilot, lambda: len(pane.rows) == 2 and "Identifiant" in preview(pilot.app))
    return pane


def held(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> asyncio.Event:
    """`module.name` (a coroutine function) waits, from now on, for the event returned."""
    release = asyncio.Event()
    real: Callable[..., Awaitable[Any]] = getattr(module, name)

    async def waiting(*args: Any, **kwargs: Any) -> Any:
        await release.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(module, name, waiting)
    return release


async def test_ticks_show_in_the_list(two_accounts_url: str, tmp_path: Path) -> None:
    """Bug 1: `Espace` and `a` ticked the lines, but the tick cell painted blank."""
    app = make_app(two_accounts_url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        pane = await credentials_tab(pilot)
        assert tick_cells(app) == [" [ ]", " [ ]"]
        await pilot.press("space")
        assert len(pane.checked) == 1
        assert tick_cells(app) == [" [x]", " [ ]"]
        await pilot.press("a")
        assert tick_cells(app) == [" [x]", " [x]"]
        await pilot.press("n")
        assert tick_cells(app) == [" [ ]", " [ ]"]


async def test_the_letter_says_it_is_being_read(
    two_accounts_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bug 5: while a letter still to send was being read, the panel kept what it said of
    the line before ("Identifiants remis…")."""

    async def print_dupont() -> None:
        async with await Database.open(two_accounts_url) as db:
            (dupont,) = [r for r in await credentials_rows(db, LYCEE[0]) if r.login == DUPONT]
            assert dupont.letter_id is not None
            await print_edition(
                db, LYCEE[0], tmp_path / "edition.pdf", OPERATOR, None, [dupont.letter_id]
            )

    await print_dupont()
    app = make_app(two_accounts_url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        pane = await credentials_tab(pilot)
        assert [r.login for r in pane.rows] == [LEROY, DUPONT]  # to deliver first
        await pilot.press("down")  # DUPONT's letter is printed: its password is gone
        await until(pilot, lambda: "Identifiants remis" in preview(app))
        release = held(monkeypatch, letters, "letter_preview")
        await pilot.press("up")  # LEROY's letter, to send: read again, slowly
        assert "Identifiants remis" not in preview(app)
        assert preview(app) == "Lecture de la lettre…"
        release.set()
        await until(pilot, lambda: f"Identifiant : {LEROY}" in preview(app))


async def test_the_cursor_follows_the_account_given_a_new_password(
    two_accounts_url: str, tmp_path: Path
) -> None:
    """Bug 6: its new letter moves the account in the list; the cursor stayed on the line
    number, on another account."""
    app = make_app(two_accounts_url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        pane = await credentials_tab(pilot)
        assert [r.login for r in pane.rows] == [DUPONT, LEROY]
        assert pane.current is not None and pane.current.login == DUPONT
        first_letter = pane.rows[0].letter_id
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")
        await until(pilot, lambda: [r.login for r in pane.rows] == [LEROY, DUPONT])
        assert pane.rows[1].letter_id != first_letter  # the newest letter, last
        assert pane.current is not None and pane.current.login == DUPONT


async def test_sent_letters_show_as_sent_before_the_list_is_read_again(
    two_accounts_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bug 7: after sending, the rows stayed "à envoyer", ticked, until the list was read
    again (some 3 s on the demo); they change at once, from what the sending returned."""
    mailbox = Mailbox()
    async with SmtpServer(mailbox) as server:
        smtp = SmtpConfig(
            host="127.0.0.1", port=server.port, security="none", sender="intendance@lycee.fr"
        )
        config = Config(letters_directory=tmp_path / "lettres", smtp=smtp)
        app = make_app(two_accounts_url, tmp_path, config)
        async with app.run_test(size=SIZE) as pilot:
            pane = await credentials_tab(pilot)
            await pilot.press("a")
            assert len(pane.checked) == 2
            release = held(monkeypatch, letters, "credentials_rows")  # the list, read again
            await pilot.press("m")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("enter")
            await until(pilot, lambda: len(mailbox.received) == 2 and not pane.busy)
            await until(pilot, lambda: not pane.checked)
            assert [r.state.value for r in pane.rows] == ["sent", "sent"]
            assert "0 lettre à remettre" in str(pane.query_one("#credentials-counts").render())
            assert tick_cells(app) == [" [ ]", " [ ]"]
            release.set()
