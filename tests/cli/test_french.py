"""What the command line prints is French: the outbox's kinds, the configuration's errors,
the database URLs it does not take."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner

from packweb_tui.cli import cli
from packweb_tui.store.database import Database
from packweb_tui.store.models import OutboxMessage


def test_outbox_list_names_the_kinds_in_french(sqlite_url: str) -> None:
    async def queue() -> None:
        async with await Database.open(sqlite_url) as db, db.writing() as session:
            for kind in ("letter", "rejection", "digest"):
                session.add(OutboxMessage(kind=kind, to_addr="p@exemple.fr", subject="s", body="b"))

    asyncio.run(queue())
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "outbox", "list"])
    assert result.exit_code == 0, result.output
    kinds = [line.split()[3] for line in result.stdout.splitlines()[:3]]
    assert kinds == ["lettre", "refus", "récapitulatif"]
    for english in ("letter", "rejection", "digest"):
        assert english not in result.stdout


def queue_a_message(url: str) -> None:
    async def queue() -> None:
        async with await Database.open(url) as db, db.writing() as session:
            session.add(
                OutboxMessage(kind="rejection", to_addr="p@exemple.fr", subject="s", body="b")
            )

    asyncio.run(queue())


def test_sending_without_a_configuration_says_which_file_to_create(
    sqlite_url: str, tmp_path: Path
) -> None:
    queue_a_message(sqlite_url)
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "outbox", "send"])
    assert result.exit_code == 2
    mine = tmp_path / "xdg-config" / "packweb" / "packweb.toml"  # the user's, as looked for
    assert result.stderr == (
        "packweb : [smtp] sender manquant (l'adresse d'expédition des courriels) : aucun "
        f"fichier de configuration ; créez {mine} (ou /etc/packweb/packweb.toml pour le "
        'service) avec une section [smtp] : sender = "Intendance <intendance@lycee.fr>" et '
        'host = "smtp.exemple.fr" (puis port, security, username, password_file selon le '
        "serveur)\n"
    )


def test_sending_without_a_sender_names_the_file_and_the_key(
    sqlite_url: str, tmp_path: Path
) -> None:
    queue_a_message(sqlite_url)
    toml = tmp_path / "packweb.toml"
    toml.write_text('[smtp]\nhost = "smtp.exemple.fr"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "--config", str(toml), "outbox", "send"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"packweb : {toml} : [smtp] sender manquant (l'adresse d'expédition des courriels) : "
        'dans ce fichier, section [smtp], indiquez sender = "Intendance <intendance@lycee.fr>" '
        "(puis port, security, username, password_file selon le serveur)\n"
    )
