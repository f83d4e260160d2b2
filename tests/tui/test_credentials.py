"""The Identifiants pane driven by the keyboard at 80x24: the letter under the cursor, ticking,
printing the édition, a new password (the real services, a SQLite file)."""

from __future__ import annotations

import asyncio
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from packweb_tui.config import Config
from packweb_tui.services.decisions.approve import approve_requests
from packweb_tui.services.queue import pending_queue
from packweb_tui.store.database import Database
from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.panes.credentials import CredentialsPane
from packweb_tui.tui.screens.decisions import ConfirmScreen
from packweb_tui.tui.state import remember_uai
from tests.tui.support import FIXED_NOW, LYCEE, OPERATOR, figures, make_console_db, wait_loaded
from tests.tui.test_requests import until

SIZE = (80, 24)


@pytest.fixture
def approved_url(tmp_path: Path) -> str:
    """The console's store with DUPONT's request at the lycée approved: one account, its
    letter still to deliver."""
    remember_uai(LYCEE[0])
    url = make_console_db(tmp_path / "console.db", FIXED_NOW)

    async def approve() -> None:
        async with await Database.open(url) as db:
            queue = await pending_queue(db, LYCEE[0])
            dupont = [r.id for r in queue.rows if r.last_name == "DUPONT"]
            await approve_requests(db, dupont, OPERATOR)

    asyncio.run(approve())
    return url


def make_app(url: str, letters: Path) -> PackWebApp:
    config = Config(letters_directory=letters)
    return PackWebApp(db_url=url, operator=OPERATOR, clock=lambda: FIXED_NOW, config=config)


def preview(app: PackWebApp) -> str:
    return str(app.screen.query_one("#credentials-letter", Static).content)


async def credentials_tab(pilot: Pilot[Any]) -> CredentialsPane:
    """Once the console is loaded, the Identifiants tab."""
    await wait_loaded(pilot)
    await pilot.press("2")
    return pilot.app.screen.query_one(CredentialsPane)


async def test_the_letter_under_the_cursor_is_shown_with_its_pdf(
    approved_url: str, tmp_path: Path
) -> None:
    app = make_app(approved_url, tmp_path / "lettres")
    async with app.run_test(size=SIZE) as pilot:
        pane = await credentials_tab(pilot)
        await until(pilot, lambda: "Identifiant : marie-helene.dupont" in preview(app))
        assert "1 compte, 1 lettre à remettre" in figures(app, "credentials")
        assert app.screen.query_one(DataTable).has_focus  # its keys work at once
        pdf = tmp_path / "lettres" / LYCEE[0] / "identifiants-marie-helene.dupont.pdf"
        assert f"PDF : {pdf}" in preview(app)
        assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
        assert pane.check_action("print", ()) is True


async def test_printing_the_edition_delivers_the_letters(approved_url: str, tmp_path: Path) -> None:
    app = make_app(approved_url, tmp_path / "lettres")
    async with app.run_test(size=SIZE) as pilot:
        pane = await credentials_tab(pilot)
        await until(pilot, lambda: bool(pane.rows))
        await pilot.press("space")
        assert pane.checked == {pane.rows[0].account_id}
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")
        await until(pilot, lambda: bool(pane.rows) and pane.rows[0].state.value == "printed")
        assert pane.checked == set()
        (edition,) = (tmp_path / "lettres" / LYCEE[0]).glob("edition-*.pdf")
        assert "Identifiant : marie-helene.dupont" in PdfReader(edition).pages[0].extract_text()
        assert "remis" in preview(app)  # the password is no longer kept
        assert "0 lettre à remettre" in figures(app, "credentials")


def editions_line(app: PackWebApp) -> str:
    line = app.screen.query_one("#credentials-editions", Static)
    return str(line.content) if line.display else ""


async def test_the_editions_path_stays_in_view_and_goes_to_the_printer(
    approved_url: str, tmp_path: Path
) -> None:
    """With [letters] print_command, `i` writes the édition, runs the command with its path
    (a real script standing in for `lp`) and says what it answered; the path and the answer
    stay under the figures, also in the next session."""
    from packweb_tui.tui.widgets.editions_line import EditionsLine

    given = tmp_path / "given.txt"
    lp = tmp_path / "lp"
    lp.write_text(
        f"#!{sys.executable}\nimport sys\nopen({str(given)!r}, 'w').write(sys.argv[-1])\n"
        "print('request id is intendance-42 (1 file(s))')\n",
        encoding="utf-8",
    )
    lp.chmod(0o755)
    config = Config(letters_directory=tmp_path / "lettres", print_command=(str(lp), "-d", "x"))
    app = PackWebApp(db_url=approved_url, operator=OPERATOR, clock=lambda: FIXED_NOW, config=config)
    async with app.run_test(size=SIZE) as pilot:
        pane = await credentials_tab(pilot)
        await until(pilot, lambda: bool(pane.rows))
        assert not app.screen.query_one(EditionsLine).display  # no édition yet
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        asked = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert f"Puis envoyé à l'imprimante : {lp} -d x" in asked
        await pilot.press("enter")
        await until(pilot, lambda: "Envoyée à l'imprimante" in editions_line(app))
        (edition,) = (tmp_path / "lettres" / LYCEE[0]).glob("edition-*.pdf")
        assert given.read_text() == str(edition)
        shown = editions_line(app)
        assert shown.startswith("Édition du ") and f"(1 lettre) : {edition}" in shown
        assert "a répondu « request id is intendance-42 (1 file(s)) » (code de sortie 0)" in shown
        region = app.screen.query_one(EditionsLine).region
        assert region.height >= 2 and region.bottom < SIZE[1]  # the whole path, wrapped
    again = make_app(approved_url, tmp_path / "lettres")  # the next session still shows it
    async with again.run_test(size=SIZE) as pilot:
        await credentials_tab(pilot)
        await until(pilot, lambda: str(edition) in editions_line(again))


async def test_a_printer_command_that_fails_is_said_and_the_edition_stays(
    approved_url: str, tmp_path: Path
) -> None:
    missing = tmp_path / "nulle-part" / "lp"
    config = Config(letters_directory=tmp_path / "lettres", print_command=(str(missing),))
    app = PackWebApp(db_url=approved_url, operator=OPERATOR, clock=lambda: FIXED_NOW, config=config)
    async with app.run_test(size=SIZE) as pilot:
        pane = await credentials_tab(pilot)
        await until(pilot, lambda: bool(pane.rows))
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")
        await until(pilot, lambda: "Impression impossible" in editions_line(app))
        assert f"commande « {missing} » introuvable" in " ".join(editions_line(app).split())
        (edition,) = (tmp_path / "lettres" / LYCEE[0]).glob("edition-*.pdf")
        assert str(edition) in editions_line(app)
        assert pane.rows[0].state.value == "printed"  # the PDF is written: printed by hand


async def test_a_new_password_queues_a_new_letter(approved_url: str, tmp_path: Path) -> None:
    app = make_app(approved_url, tmp_path / "lettres")
    async with app.run_test(size=SIZE) as pilot:
        pane = await credentials_tab(pilot)
        await until(pilot, lambda: bool(pane.rows))
        first_letter = pane.rows[0].letter_id
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")  # thought better of it: nothing changes
        await pilot.pause()
        assert pane.rows[0].letter_id == first_letter
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")
        await until(pilot, lambda: pane.rows[0].letter_id != first_letter)
        assert pane.rows[0].state.value == "to_send"
        await until(pilot, lambda: "Mot de passe :" in preview(app))


async def test_the_columns_fit_the_width(approved_url: str, tmp_path: Path) -> None:
    """In 80 columns the holder's name has the room (the login is on the info line and in
    the letter); wider, the login has its own column; never a sideways scroll."""
    app = make_app(approved_url, tmp_path / "lettres")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 1)
        assert [c.key.value for c in table.ordered_columns] == ["check", "state", "holder"]
        assert "marie-helene.dupont" in str(app.screen.query_one("#credentials-info").render())
        assert table.virtual_size.width <= table.scrollable_content_region.width
        await pilot.resize_terminal(120, 30)
        await until(pilot, lambda: len(table.ordered_columns) == 4)
        assert [c.key.value for c in table.ordered_columns] == [
            "check", "state", "login", "holder",
        ]  # fmt: skip
        await pilot.pause()
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert table.get_row_at(0)[2].plain == "marie-helene.dupont"


async def test_enter_opens_the_account(approved_url: str, tmp_path: Path) -> None:
    app = make_app(approved_url, tmp_path / "lettres")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 1 and table.has_focus)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Identifiant : marie-helene.dupont" in shown and "État : à envoyer" in shown
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))


async def open_establishment_dialog(pilot: Pilot[Any]) -> None:
    from packweb_tui.tui.screens.establishment_edit import EstablishmentEditScreen

    pilot.app.action_edit_establishment()
    await until(pilot, lambda: isinstance(pilot.app.screen, EstablishmentEditScreen))


def dialog_problem(app: PackWebApp) -> str:
    return str(app.screen.query_one("#establishment-problem", Static).render())


async def test_the_establishments_address_heads_its_letters(
    approved_url: str, tmp_path: Path
) -> None:
    """From the palette: the name and postal address of the establishment, checked as typed,
    saved, and at once at the top of the letter under the cursor."""
    from textual.widgets import Input, TextArea

    from packweb_tui.tui.screens.establishment_edit import EstablishmentEditScreen

    app = make_app(approved_url, tmp_path / "lettres")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await until(pilot, lambda: "Identifiant : marie-helene.dupont" in preview(app))
        await open_establishment_dialog(pilot)
        area = app.screen.query_one("#establishment-address", TextArea)
        area.text = "\n".join(f"ligne {n}" for n in range(7))
        await pilot.pause()
        assert "6 lignes au plus" in dialog_problem(app)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, EstablishmentEditScreen)  # not saved
        area.text = "27 rue de Sévigné\n75003 Paris"
        app.screen.query_one("#establishment-name", Input).value = "Lycée Victor-Hugo (Paris)"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EstablishmentEditScreen))
        await until(pilot, lambda: "27 rue de Sévigné\n75003 Paris" in preview(app))
        assert "Lycée Victor-Hugo (Paris)" in preview(app)
    async with await Database.open(approved_url) as db:
        from packweb_tui.services.establishments import list_establishments

        lycee = next(e for e in await list_establishments(db) if e.uai == LYCEE[0])
    assert lycee.address == ("27 rue de Sévigné", "75003 Paris")


async def test_the_establishments_phone_goes_under_its_address(
    approved_url: str, tmp_path: Path
) -> None:
    """The same dialog takes the phone: checked as typed, printed in pairs under the address
    of the letter under the cursor, and beside the email to ask."""
    from textual.widgets import Input

    from packweb_tui.tui.screens.establishment_edit import EstablishmentEditScreen

    app = make_app(approved_url, tmp_path / "lettres")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await until(pilot, lambda: "Identifiant : marie-helene.dupont" in preview(app))
        assert "Tél." not in preview(app)
        await open_establishment_dialog(pilot)
        phone = app.screen.query_one("#establishment-phone", Input)
        assert phone.region.bottom <= SIZE[1]  # within the screen at 80x24
        phone.value = "01 44 55"
        await pilot.pause()
        assert "numéro de téléphone « 01 44 55 » invalide" in dialog_problem(app)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, EstablishmentEditScreen)  # not saved
        phone.value = "0144556677"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, EstablishmentEditScreen))
        await until(pilot, lambda: "Tél. 01 44 55 66 77" in preview(app))
        assert "l'intendance de l'établissement (tél. 01 44 55 66 77)" in " ".join(
            preview(app).split()
        )
        await open_establishment_dialog(pilot)  # it opens with the phone saved
        assert app.screen.query_one("#establishment-phone", Input).value == "01 44 55 66 77"


async def test_finding_an_account_by_typing(approved_url: str, tmp_path: Path) -> None:
    """A parent calls: `/` and a few letters of the name, login, email or state."""
    app = make_app(approved_url, tmp_path / "lettres")
    async with app.run_test(size=SIZE) as pilot:
        pane = await credentials_tab(pilot)
        await until(pilot, lambda: len(pane.rows) == 1)
        await pilot.press("slash", *"zzz")
        await until(pilot, lambda: pane.rows == [])
        assert "filtre : 0 ligne" in figures(app, "credentials")
        assert "1 compte" in figures(app, "credentials")  # the figures stay the whole's
        await pilot.press("backspace", "backspace", "backspace", *"HELENE a envoyer")
        await until(pilot, lambda: len(pane.rows) == 1)
        await pilot.press("enter")  # back to the list, the filter kept
        assert app.screen.query_one(DataTable).has_focus and len(pane.rows) == 1
        await pilot.press("escape")
        await until(pilot, lambda: "filtre" not in figures(app, "credentials"))
        assert not app.screen.query_one("#credentials-filter").display
