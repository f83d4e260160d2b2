"""Failures a service reports to its caller, in words an operator understands."""

from __future__ import annotations

import errno

from packweb_tui.domain.errors import InputError


class UnknownEstablishment(InputError):
    def __init__(self, uai: str, where: str | None = None) -> None:
        super().__init__(
            f"établissement {uai} inconnu : ajoutez-le avec "
            f"« packweb establishments add {uai} NOM »",
            where,
        )
        self.uai = uai


def first_line(error: BaseException) -> str:
    """An error's message cut to its first line (its class name when it has none): what a
    log line, a notification or a pane shows of it."""
    return (str(error).splitlines() or [type(error).__name__])[0]


class OperationalError(RuntimeError):
    """Something outside the operator's input failed (server unreachable, disk full...)."""


# The system's messages (strerror) are English: the usual ones in French.
_OS_WORDS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EEXIST: "existe déjà",
    errno.ECONNREFUSED: "connexion refusée",
    errno.ETIMEDOUT: "délai dépassé",
    errno.EHOSTUNREACH: "hôte injoignable",
    errno.ENETUNREACH: "réseau injoignable",
}


def os_words(error: OSError) -> str:
    """What went wrong, in French when the system's reason is a usual one."""
    if error.errno in _OS_WORDS:
        return _OS_WORDS[error.errno]
    return error.strerror or str(error) or type(error).__name__


def file_failure(error: OSError, path: object = None) -> str:
    """« /chemin : permission refusée »: the file named by the error (or `path`) and why."""
    where = path if path is not None else (error.filename or "fichier")
    return f"{where} : {os_words(error)}"


CREATE_COMMAND = "packweb db upgrade"  # the command that creates a database (and demo's)


def missing_database(where: str, sqlite: bool) -> str:
    """What to say of a database that is not there: where we looked, and how to make one."""
    if sqlite:
        return (
            f"base de données introuvable : {where} ; vérifiez le chemin, ou créez-la avec "
            f"« {CREATE_COMMAND} » (mêmes options)"
        )
    return (
        f"aucune table PackWeb dans {where} ; vérifiez l'adresse, ou créez-les avec "
        f"« {CREATE_COMMAND} » (mêmes options)"
    )


# SQLite's usual complaints (the driver's words are English), in French.
_SQLITE_WORDS = {
    "unable to open database file": "ouverture du fichier impossible (dossier ou droits ?)",
    "database is locked": "base verrouillée par un autre programme",
    "attempt to write a readonly database": "fichier en lecture seule (droits ?)",
    "file is not a database": "ce fichier n'est pas une base de données",
    "disk I/O error": "erreur d'écriture sur le disque",
}


def driver_words(reason: BaseException) -> str:
    """Why a database driver failed, in French when it is a usual reason."""
    if isinstance(reason, OSError) and reason.errno is not None:
        return os_words(reason)
    line = first_line(reason)
    return _SQLITE_WORDS.get(line, line)


def unreachable(reason: BaseException) -> str:
    """A database that cannot be reached, and why (the driver's error)."""
    return f"base de données inaccessible : {driver_words(reason)}"


def _known_words(error: BaseException) -> str | None:
    """What failed, in French, for the failures we know; None for any other."""
    # Here and not at the top: the faces import this module before the store is needed.
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import OperationalError as DatabaseFailure

    from packweb_tui.store.database import MissingDatabase

    if isinstance(error, InputError | OperationalError):  # said in French already
        return str(error)
    if isinstance(error, MissingDatabase):
        return missing_database(error.where, error.sqlite)
    if isinstance(error, OSError) and error.filename is not None:  # a file, not the store
        return file_failure(error)
    if isinstance(error, DatabaseFailure | OSError | ConnectionError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        return unreachable(getattr(error, "orig", None) or error)  # the driver's own words
    return None


def failure_words(error: BaseException) -> str:
    """A one-line French account of what failed, for a face to show: an input error as it
    is, a file and why (« /chemin : permission refusée », not "[Errno 13] Permission
    denied"), the database missing or out of reach and why, else the error's first line."""
    return _known_words(error) or first_line(error)


def describe_failure(error: Exception) -> str:
    """`failure_words` for the command line: an unforeseen error says how to see more."""
    known = _known_words(error)
    return known or f"échec : {first_line(error)} (relancez avec --debug pour le détail)"
