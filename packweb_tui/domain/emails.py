"""Email addresses typed by people: a practical syntax check, not RFC 5322 in full."""

from __future__ import annotations

import re

from packweb_tui.domain.errors import InputError

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def normalize_email(value: str) -> str:
    """The address trimmed, its domain in lower case; InputError if it is not an address."""
    email = value.strip()
    if len(email) > 254 or not _EMAIL.match(email) or ".." in email:
        raise InputError(f"adresse email « {email} » invalide")
    local, domain = email.rsplit("@", 1)
    return f"{local}@{domain.lower()}"
