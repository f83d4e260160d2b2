"""French words that agree with a count: ``1 compte créé``, ``3 comptes créés``, ``0 lettre``
(French puts 0 and 1 in the singular), never ``compte(s) créé(s)``."""

from __future__ import annotations


def agree(count: int, singular: str, plural_form: str | None = None) -> str:
    """`singular`, or its plural (`plural_form`, else with an s) when `count` is 2 or more."""
    return singular if count < 2 else (plural_form or f"{singular}s")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 demande``, ``2 demandes``; ``plural(2, "compte créé", "comptes créés")``."""
    return f"{count} {agree(count, singular, plural_form)}"
