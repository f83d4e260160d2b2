"""Money: integer cents in the store, euros typed and shown the French way ("1 234,50")."""

from __future__ import annotations

import re

from packweb_tui.domain.errors import InputError

_EUROS = re.compile(r"^(?P<sign>-?)(?P<units>\d{1,9})(?:[.,](?P<cents>\d{1,2}))?$")


def parse_euros(text: str) -> int:
    """Cents from euros typed as ``1,00``, ``1.00``, ``12`` or ``1 234,5`` (spaces between
    thousands allowed); InputError when it is not an amount."""
    compact = re.sub(r"[\s\u00a0\u202f]", "", text).removesuffix("€")
    match = _EUROS.match(compact)
    if not match:
        raise InputError(f"montant « {text.strip()} » invalide : euros attendus, par ex. 1,00")
    cents = int(match["units"]) * 100 + int((match["cents"] or "0").ljust(2, "0"))
    return -cents if match["sign"] else cents


def format_euros(cents: int) -> str:
    """``123450`` → ``1 234,50`` (a space between thousands, a comma before cents)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units:,}".replace(",", " ") + f",{rest:02d}"
