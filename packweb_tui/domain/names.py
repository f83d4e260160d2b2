"""Folding names so that the ways people type them compare equal."""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not split into a base letter and an accent.
_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "ß": "ss",
    }
)
# Hyphens, apostrophes, dots and underscores all separate parts of a name.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—'’‘`´ʼ.,_]+")


def fold_name(name: str) -> str:
    """Fold a name for comparison: no accents, case-folded, hyphens, apostrophes and runs of
    spaces all one space ("Marie-Hélène" and "MARIE  HELENE" fold alike)."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_LIGATURES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


def clean_text(value: str) -> str:
    """A name or label as typed, without control characters and with single spaces: what
    comes from a file or the web is untrusted and must show harmlessly."""
    printable = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in value)
    return " ".join(printable.split())
