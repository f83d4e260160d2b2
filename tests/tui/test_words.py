"""The console speaks French when something fails: a file and why (not "[Errno 13]
Permission denied"), and it says which database it has open."""

from __future__ import annotations

import errno
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from packweb_tui.tui.screens.decisions import ConfirmScreen
from packweb_tui.tui.screens.help import HelpScreen
from tests.tui.test_credentials import approved_url, credentials_tab, make_app, preview
from tests.tui.test_requests import until

__all__ = ["approved_url"]  # the fixture, shared with the Identifiants tests
SIZE = (80, 24)


def notifications(app: object) -> list[str]:
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]


async def confirmed(pilot: Pilot[Any], key: str) -> None:
    """In Identifiants, `key` on the first account, confirmed; until something is said."""
    pane = await credentials_tab(pilot)
    await until(pilot, lambda: bool(pane.rows))
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await pilot.press("enter")
    await until(pilot, lambda: bool(notifications(pilot.app)))


async def test_a_letters_folder_that_cannot_be_made_is_said_in_french(
    approved_url: str, tmp_path: Path
) -> None:
    (tmp_path / "fichier").write_text("pas un dossier")
    letters = tmp_path / "fichier" / "lettres"
    app = make_app(approved_url, letters)
    async with app.run_test(size=SIZE) as pilot:
        await credentials_tab(pilot)
        await until(pilot, lambda: "Lecture impossible" in preview(app))
        assert preview(app) == (
            f"Lecture impossible : {letters / '0750655E'} : "
            "un élément du chemin n'est pas un dossier"
        )
        assert "Errno" not in preview(app)


async def test_a_refused_file_is_said_in_french(
    approved_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "/srv/lettres/edition.pdf")

    monkeypatch.setattr("packweb_tui.services.editions.print_edition", refused)
    app = make_app(approved_url, tmp_path / "lettres")
    async with app.run_test(size=SIZE) as pilot:
        await confirmed(pilot, "i")
        assert notifications(app) == ["/srv/lettres/edition.pdf : permission refusée"]


async def test_sending_without_smtp_says_which_file_and_keys(
    approved_url: str, tmp_path: Path
) -> None:
    config_file = tmp_path / "packweb.toml"
    app = make_app(approved_url, tmp_path / "lettres")
    app.context.config = replace(app.context.config, path=config_file)  # read from that file
    async with app.run_test(size=SIZE) as pilot:
        await confirmed(pilot, "m")
        assert notifications(app) == [
            f"{config_file} : [smtp] sender manquant (l'adresse d'expédition des courriels) : "
            'dans ce fichier, section [smtp], indiquez sender = "Intendance '
            '<intendance@lycee.fr>" et host = "smtp.exemple.fr" (puis port, security, '
            "username, password_file selon le serveur)"
        ]


async def test_the_help_says_which_database_is_open(approved_url: str, tmp_path: Path) -> None:
    app = make_app(approved_url, tmp_path / "lettres")
    async with app.run_test(size=SIZE) as pilot:
        await credentials_tab(pilot)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        where = str(app.screen.query_one("#help-where", Static).render())
        assert where.splitlines() == [
            f"Base de données  {tmp_path / 'console.db'}",
            "Configuration    aucun fichier (par défaut)",
        ]
