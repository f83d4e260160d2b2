"""Credentials of a portal account: the login derived from the card holder's names, and the
initial password read aloud on the phone or printed in the letter."""

from __future__ import annotations

import math
import re
import secrets
import string
from collections.abc import Container

from packweb_tui.domain.names import fold_name

# The part derived from the names; a counter may follow (`marie-helene.dupont2`). The store's
# column holds 80, so a login always fits.
LOGIN_BASE_MAX = 40
_FIRST_MAX = 20  # a long compound first name must leave room for the last name
LOGIN_FALLBACK = "compte"  # names without a single Latin letter or digit
LOGIN_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)?")

# Latin letters that neither NFKD nor name folding turn into ASCII.
_EXTRA_LETTERS = str.maketrans({"ð": "d", "þ": "th", "ŋ": "n", "ħ": "h", "ŧ": "t"})
_NOT_LOGIN = re.compile(r"[^a-z0-9]+")

# Letters and digits without the look-alikes 0/O and 1/l/I: 57 symbols.
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
PASSWORD_GROUPS = (4, 4, 4, 2)  # read aloud in groups: `Kp7m-X2qr-9tzh-Wd`
PASSWORD_LENGTH = sum(PASSWORD_GROUPS)
# 14 × log2(57) ≈ 81.7 bits: above the CNIL's 80 bits for a password that is the only factor.
PASSWORD_ENTROPY_BITS = PASSWORD_LENGTH * math.log2(len(PASSWORD_ALPHABET))
PASSWORD_PATTERN = re.compile(
    "-".join(f"[{re.escape(PASSWORD_ALPHABET)}]{{{n}}}" for n in PASSWORD_GROUPS)
)


def login_part(name: str) -> str:
    """One name as ASCII for a login: folded (no accents, lower case), its words joined by
    hyphens; anything but a-z and 0-9 separates words (« D'Hérouville » → `d-herouville`)."""
    folded = fold_name(name).translate(_EXTRA_LETTERS)
    return "-".join(word for word in _NOT_LOGIN.split(folded) if word)


def login_base(last_name: str, first_name: str) -> str:
    """The login a person gets when it is free: `first.last` (« Marie-Hélène », « Dupont » →
    `marie-helene.dupont`), at most LOGIN_BASE_MAX characters, cut between words when it can."""
    first = _clip(login_part(first_name), _FIRST_MAX)
    last = login_part(last_name)
    if first and last:
        return f"{first}.{_clip(last, LOGIN_BASE_MAX - len(first) - 1)}"
    return _clip(first or last, LOGIN_BASE_MAX) or LOGIN_FALLBACK


def first_free_login(base: str, taken: Container[str]) -> str:
    """`base` if no one ever had it, else `base2`, `base3`...: a login is never given twice,
    so `taken` must hold every login ever given (the `used_logins` table)."""
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


def _clip(part: str, limit: int) -> str:
    """`part` cut to `limit` characters after a whole word if one fits, else inside it."""
    if len(part) <= limit:
        return part
    kept = ""
    for word in part.split("-"):
        longer = f"{kept}-{word}" if kept else word
        if len(longer) > limit:
            break
        kept = longer
    return kept or part[:limit]


def typed_login(login: str) -> str:
    """A login as support types it (capitals, spaces around): logins are lower-case ASCII."""
    return login.strip().lower()


def new_password() -> str:
    """A fresh initial password from `secrets`: 14 symbols of PASSWORD_ALPHABET grouped
    4-4-4-2 with hyphens, which are part of it (`Kp7m-X2qr-9tzh-Wd`)."""
    symbols = [secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH)]
    groups, start = [], 0
    for size in PASSWORD_GROUPS:
        groups.append("".join(symbols[start : start + size]))
        start += size
    return "-".join(groups)
