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


def describe_failure(error: Exception) -> str:
    """A one-line French account of an operational failure: a file and why, the database out
    of reach and why, or the error's first line."""
    # Here and not at the top: the faces import this module before the store is needed.
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import OperationalError as DatabaseFailure

    if isinstance(error, OSError) and error.filename is not None:  # a file, not the store
        return file_failure(error)
    if isinstance(error, DatabaseFailure | OSError | ConnectionError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        reason = getattr(error, "orig", None) or error  # the driver's own words
        return f"base de données inaccessible : {first_line(reason)}"
    return f"échec : {first_line(error)} (relancez avec --debug pour le détail)"
