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


# The accents of Latin letters once NFKD has split them off: removed in one regex pass, the
# character-by-character test kept for the rare names with other marks.
_LATIN_MARKS = re.compile(
    "[" + "".join(c for c in map(chr, range(0x300, 0x370)) if unicodedata.combining(c)) + "]"
)


def fold_name(name: str) -> str:
    """Fold a name for comparison: no accents, case-folded, hyphens, apostrophes and runs of
    spaces all one space ("Marie-Hélène" and "MARIE  HELENE" fold alike)."""
    if name.isascii():  # most names: NFKD and the tables change nothing
        if name.isalpha():  # one plain word: no separator to fold either
            return name.lower()
        return _SEPARATORS.sub(" ", name.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", name.translate(_LIGATURES))
    bare = _LATIN_MARKS.sub("", decomposed)
    if not bare.isascii():
        bare = "".join(c for c in bare if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


def clean_text(value: str) -> str:
    """A name or label as typed, without control characters and with single spaces: what
    comes from a file or the web is untrusted and must show harmlessly."""
    if not value.isprintable():  # only then can it hold a control or format character
        value = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in value)
    return " ".join(value.split())
