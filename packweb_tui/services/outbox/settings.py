"""The `[smtp]` section of the configuration, checked, with its password read."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from packweb_tui.config import SYSTEM_CONFIG, SmtpConfig, user_config_path
from packweb_tui.domain.errors import InputError
from packweb_tui.services.errors import os_words
from packweb_tui.services.mail import AddressError, Sender

PASSWORD_ENV = "PACKWEB_SMTP_PASSWORD"


@dataclass(frozen=True)
class SmtpSettings:
    """`[smtp]` checked, with its password read (never shown: repr hides it)."""

    host: str
    port: int
    security: str  # starttls, tls, none
    username: str | None
    password: str | None = field(repr=False)
    sender: Sender
    timeout: float
    ca_file: Path | None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_settings(smtp: SmtpConfig, config_path: Path | None = None) -> SmtpSettings:
    """The `[smtp]` section checked and its password read (from `password_file`, else from
    the PACKWEB_SMTP_PASSWORD environment variable). InputError saying what is missing, in
    which file (`config_path`, the configuration in use; without one, where to create it)."""
    where = str(config_path) if config_path else None
    if not smtp.sender:
        raise InputError(_no_sender(smtp, config_path), where)
    try:
        sender = Sender.parse(smtp.sender)
    except AddressError as error:
        raise InputError(f"[smtp] sender : {error}", where) from None
    password: str | None = None
    if smtp.password_file is not None:
        try:
            password = smtp.password_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as error:
            raise InputError(
                f"[smtp] password_file illisible : {os_words(error)}",
                str(smtp.password_file),
            ) from None
    else:
        password = os.environ.get(PASSWORD_ENV) or None
    if smtp.username and not password:
        raise InputError(
            f"[smtp] username sans mot de passe : indiquez password_file ou la variable "
            f"{PASSWORD_ENV}",
            where,
        )
    if smtp.ca_file is not None and not smtp.ca_file.is_file():
        raise InputError("[smtp] ca_file introuvable", str(smtp.ca_file))
    return SmtpSettings(
        smtp.host,
        smtp.port,
        smtp.security,
        smtp.username,
        password if smtp.username else None,
        sender,
        smtp.timeout,
        smtp.ca_file,
    )


def _no_sender(smtp: SmtpConfig, config_path: Path | None) -> str:
    """Mail cannot go without a sender: which file to edit (or create) and which keys."""
    keys = 'sender = "Intendance <intendance@lycee.fr>"'
    if smtp.host == SmtpConfig.host:  # the server was not given either
        keys += ' et host = "smtp.exemple.fr"'
    keys += " (puis port, security, username, password_file selon le serveur)"
    if config_path is not None:
        place = f"dans ce fichier, section [smtp], indiquez {keys}"
    else:
        place = (
            f"aucun fichier de configuration ; créez {user_config_path()} (ou {SYSTEM_CONFIG} "
            f"pour le service) avec une section [smtp] : {keys}"
        )
    return f"[smtp] sender manquant (l'adresse d'expédition des courriels) : {place}"
