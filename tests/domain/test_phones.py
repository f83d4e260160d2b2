"""Telephone numbers of the establishments, as their letters print them."""

from __future__ import annotations

import pytest

from packweb_tui.domain.errors import InputError
from packweb_tui.domain.phones import normalize_phone


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("0144556677", "01 44 55 66 77"),
        (" 01.44.55.66.77 ", "01 44 55 66 77"),
        ("01-44-55-66-77", "01 44 55 66 77"),
        ("+33144556677", "+33 1 44 55 66 77"),
        ("+33 (0)1 44 55 66 77", "+33 1 44 55 66 77"),
        ("+32  2 555 12 12", "+32 2 555 12 12"),
        ("", None),
        ("   ", None),
    ],
)
def test_numbers_are_printed_in_pairs(typed: str, printed: str | None) -> None:
    assert normalize_phone(typed) == printed


@pytest.mark.parametrize(
    "typed", ["01 44 55", "01 44 55 66 77 88", "intendance", "1144556677", "+33 1 2", "0" * 31]
)
def test_what_is_not_a_number_is_refused(typed: str) -> None:
    with pytest.raises(InputError, match=r"numéro de téléphone .* invalide"):
        normalize_phone(typed)
