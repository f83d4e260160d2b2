"""How a table's columns share a width: as wide as their texts where there is room, and the
cells that lack shared fairly, so that one long email does not leave the names cut."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len


def widest(texts: Iterable[str]) -> int:
    """The width in cells of the widest of `texts` (an ASCII text is as wide as long: 10,000
    names in a millisecond or two)."""
    return max((len(t) if t.isascii() else cell_len(t) for t in texts), default=0)


def share(spare: int, wants: Sequence[int]) -> list[int]:
    """The cells each column gets of `spare`, toward what it `wants`: all of it if there is
    room, else the smallest wants first and the rest evenly (water filling)."""
    given = [0] * len(wants)
    left = max(spare, 0)
    growing = sorted((n for n, want in enumerate(wants) if want > 0), key=wants.__getitem__)
    for count, n in enumerate(growing):
        given[n] = min(wants[n], left // (len(growing) - count))
        left -= given[n]
    return given
