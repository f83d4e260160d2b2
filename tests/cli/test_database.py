"""Only `packweb db upgrade` and `packweb demo` create a database; every other command on a
database that is not there says where it looked and how to make one, exits 1 and creates
nothing. A database we do not support is refused with the ones we do (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from packweb_tui.cli import cli
from packweb_tui.store.revision import HEAD_REVISION

UAI = "0750655E"
COMMANDS = [
    [],  # the console: said before it takes the screen
    ["establishments", "list"],
    ["establishments", "add", UAI, "Lycée"],
    ["requests", "list"],
    ["accounts", "list"],
    ["outbox", "list"],
    ["outbox", "send"],
    ["payments", "list"],
    ["closures", "list", UAI],
    ["settings", "show", UAI],
    ["letters", "print", "-o", "x.pdf"],
    ["daemon"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]) or "console")
def test_a_mistyped_path_creates_nothing(tmp_path: Path, args: list[str]) -> None:
    typo = tmp_path / "packwbe" / "packweb.db"
    result = CliRunner().invoke(cli, ["--db", str(typo), *args])
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"packweb : base de données introuvable : {typo} ; vérifiez le chemin, ou créez-la "
        "avec « packweb db upgrade » (mêmes options)\n"
    )
    assert not typo.parent.exists()


def test_a_postgresql_schema_without_our_tables(new_db_url: str) -> None:
    result = CliRunner().invoke(cli, ["--db", new_db_url, "establishments", "list"])
    assert result.exit_code == 1
    if new_db_url.startswith("postgresql"):
        assert result.stderr.startswith("packweb : aucune table PackWeb dans postgresql")
        assert "créez-les avec « packweb db upgrade »" in result.stderr


def test_db_upgrade_creates_it(tmp_path: Path) -> None:
    path = tmp_path / "neuf" / "packweb.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "db", "upgrade"])
    assert result.exit_code == 0 and result.stdout == f"Schéma à jour ({HEAD_REVISION}).\n"
    result = CliRunner().invoke(cli, ["--db", str(path), "establishments", "list"])
    assert result.exit_code == 0 and result.stdout.startswith("Aucun établissement.")


def test_demo_creates_its_own(tmp_path: Path) -> None:
    path = tmp_path / "demo" / "demo.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "demo", "--load-only"])
    assert result.exit_code == 0 and path.is_file()


@pytest.mark.parametrize(
    "args", [["establishments", "list"], [], ["demo", "--load-only"], ["daemon"]]
)
def test_an_unsupported_database_says_which_are(tmp_path: Path, args: list[str]) -> None:
    url = "mysql://packweb:s3cret@db.lan/packweb"
    result = CliRunner().invoke(cli, ["--db", url, *args])
    assert result.exit_code == 2
    assert result.stderr == (
        "packweb : base de données « mysql://packweb:***@db.lan/packweb » non prise en charge "
        ": indiquez un fichier SQLite (/var/lib/packweb/packweb.db ou "
        "sqlite:////var/lib/packweb/packweb.db) ou une base PostgreSQL "
        "(postgresql://utilisateur@serveur/base, ?schema=NOM au besoin)\n"
    )
    assert "MySQLdb" not in result.output and "Traceback" not in result.output
