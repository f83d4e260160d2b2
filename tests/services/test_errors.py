"""An operational failure in one French line, whichever face shows it."""

from __future__ import annotations

import errno

from sqlalchemy.exc import DBAPIError, OperationalError

from packweb_tui.services.errors import describe_failure


def test_a_file_is_named_with_the_reason_in_french() -> None:
    error = PermissionError(errno.EACCES, "Permission denied", "/srv/lettres.pdf")
    assert describe_failure(error) == "/srv/lettres.pdf : permission refusée"


def test_the_database_out_of_reach_says_the_driver_s_first_line() -> None:
    driver = ConnectionRefusedError("connexion refusée\npar 127.0.0.1")
    error = OperationalError("SELECT 1", {}, driver)
    assert describe_failure(error) == "base de données inaccessible : connexion refusée"
    assert describe_failure(ConnectionResetError("reset")) == (
        "base de données inaccessible : reset"
    )


def test_a_lost_connection_is_the_database_out_of_reach() -> None:
    lost = DBAPIError("SELECT 1", {}, RuntimeError("server closed"), connection_invalidated=True)
    assert describe_failure(lost) == "base de données inaccessible : server closed"
    kept = DBAPIError("SELECT 1", {}, RuntimeError("syntax"))
    assert describe_failure(kept).startswith("échec : ")


def test_anything_else_asks_for_debug() -> None:
    assert describe_failure(ValueError("valeur\ndétail")) == (
        "échec : valeur (relancez avec --debug pour le détail)"
    )
    assert describe_failure(RuntimeError()) == (
        "échec : RuntimeError (relancez avec --debug pour le détail)"
    )
