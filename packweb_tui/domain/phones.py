"""Telephone numbers typed by people, as a letter prints them: a French number in pairs of
digits (« 01 44 55 66 77 »), an international one as typed, its spaces tidied."""

from __future__ import annotations

import re

from packweb_tui.domain.errors import InputError

PHONE_MAX = 30  # characters, as stored
_ALLOWED = re.compile(r"^\+?[0-9 .()/-]+$")
EXAMPLE = "par ex. 01 44 55 66 77 ou +33 1 44 55 66 77"


def normalize_phone(value: str) -> str | None:
    """The number as printed, or None for an empty value (no phone); InputError for what
    is not a number: letters, too few or too many digits."""
    typed = " ".join(value.split())
    if not typed:
        return None
    digits = re.sub(r"\D", "", typed.replace("(0)", ""))  # +33 (0)1…: the 0 is not dialled
    if not _ALLOWED.match(typed) or len(typed) > PHONE_MAX:
        raise InputError(f"numéro de téléphone « {typed[:40]} » invalide ({EXAMPLE})")
    if typed.startswith("+33") and len(digits) == 11:
        national = "0" + digits[2:]
        return "+33 " + national[1] + " " + _pairs(national[2:])
    if not typed.startswith("+") and len(digits) == 10 and digits.startswith("0"):
        return _pairs(digits)
    if typed.startswith("+") and 8 <= len(digits) <= 15:
        return typed
    raise InputError(f"numéro de téléphone « {typed} » invalide ({EXAMPLE})")


def _pairs(digits: str) -> str:
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
