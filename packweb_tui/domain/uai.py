"""UAI codes: the national identifier of a French school (7 digits and a check letter)."""

from __future__ import annotations

from functools import lru_cache

from packweb_tui.domain.errors import InputError

_CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def uai_check_letter(digits: str) -> str:
    """The check letter of a 7-digit UAI number: the number modulo 23 indexes the alphabet
    without I, O and Q."""
    return _CHECK_LETTERS[int(digits) % 23]


@lru_cache(maxsize=1024)  # a file names a few establishments on every row
def normalize_uai(value: str) -> str:
    """`value` as a valid UAI in capitals, or InputError saying what is wrong."""
    uai = value.strip().upper()
    if len(uai) != 8 or not uai[:7].isascii() or not uai[:7].isdigit() or not uai[7].isalpha():
        raise InputError(f"UAI « {value.strip()} » invalide : 7 chiffres et une lettre attendus")
    expected = uai_check_letter(uai[:7])
    if uai[7] != expected:
        raise InputError(f"UAI « {uai} » invalide : la lettre de contrôle devrait être {expected}")
    return uai
