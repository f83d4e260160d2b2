"""fpdf2 made fast for many small documents, the credentials letters: three things in it cost
tens of milliseconds a document each, and each is done once here instead.
- Parsing the TrueType fonts (~37 ms each): parsed once per process; a new document gets a
  copy that shares the parsed tables, with its own subset and a fresh fontTools font.
- Measuring text: the widths come from the parsed fonts (`text_width`), so that the letters'
  lines are wrapped without multi_cell, which measures every character in Python.
- Subsetting the fonts on output (~36 ms a font): every document uses the same base glyphs
  (French, every printable ASCII character for the login and password), and fpdf2's call to
  fontTools' subsetter is given a cache keyed by the font and the glyph set, so that only a
  document with rarer characters (Łukasz, Nguyễn) makes a subset of its own. The large
  streams fpdf2 compresses again and again (those subsets, the logo) are compressed once.

The fonts are DejaVu (the built-in PDF fonts cannot write œ, €, ’, Ł or ễ), and DejaVu Sans
Mono, where 0 and O, 1, l and I never look alike."""

from __future__ import annotations

import string
import threading
from collections import OrderedDict
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from typing import Any, Generic, TypeVar

from packweb_tui.resources import fonts_dir

# key, family, style, file: added in this order to every document (fpdf2 numbers them so).
FONTS = (
    ("sans", "dejavu", "", "DejaVuSans.ttf"),
    ("bold", "dejavu", "B", "DejaVuSans-Bold.ttf"),
    ("mono", "dejavumono", "", "DejaVuSansMono.ttf"),
)
# The glyphs every document embeds, so that most documents share one subset of each font:
# what French names and the letter's own text use, and in the mono font, what logins and
# passwords are made of.
_TEXT = (
    string.ascii_letters
    + string.digits
    + " !\"#%&'()*+,-./:;?@_"
    + "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»’–…€"
)
BASE_GLYPHS = {
    "sans": _TEXT,
    "bold": _TEXT,
    "mono": string.ascii_letters + string.digits + " .-_",
}
PT = 25.4 / 72  # one point in mm


# --- fonts -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ParsedFont:
    font: Any  # fpdf2's TTFFont
    raw: bytes  # the font file
    subset: Any  # fpdf2's SubsetMap holding BASE_GLYPHS, copied into each document


@cache
def parsed_fonts() -> dict[str, ParsedFont]:
    """Each font parsed once (~37 ms each), with its file's bytes and its base glyphs picked."""
    from fpdf import FPDF

    _install_subset_cache()
    model = FPDF()
    parsed: dict[str, ParsedFont] = {}
    for key, family, style, file in FONTS:
        path = fonts_dir() / file
        model.add_font(family, style, path)
        font: Any = model.fonts[f"{family}{style}"]
        for char in BASE_GLYPHS[key]:
            font.subset.pick(ord(char))
        parsed[key] = ParsedFont(font, path.read_bytes(), font.subset)
    forget_picks()
    return parsed


def forget_picks() -> None:
    """fpdf2 memoizes SubsetMap.pick and get_glyph with functools.cache, which holds every
    document's subset (and fonts) for ever: emptied after each document."""
    from fpdf.fonts import SubsetMap

    SubsetMap.pick.cache_clear()
    SubsetMap.get_glyph.cache_clear()


def new_document() -> Any:
    """An A4 fpdf2 document (millimetres) holding the FONTS, parsed once for every document:
    each gets a copy that shares the parsed tables, with its own subset and a fresh fontTools
    font."""
    from fontTools.ttLib import TTFont
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    for key, family, style, _ in FONTS:
        parsed = parsed_fonts()[key]
        font = copy(parsed.font)  # shares the widths and the cmap, read only
        # fpdf2 subsets the fontTools font in place on output: a fresh one per document.
        font.ttfont = TTFont(BytesIO(parsed.raw), lazy=True, recalcTimestamp=False)
        font.ttfont.packweb_font = key  # the subset cache's key (see _CachingSubsetter)
        font.subset = subset = copy(parsed.subset)  # the base glyphs, already numbered
        subset.font = font
        subset._char_id_per_glyph = dict(parsed.subset._char_id_per_glyph)
        subset._reserved = list(parsed.subset._reserved)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        pdf.fonts[f"{family}{style}"] = font
    return pdf


@cache
def drawable() -> frozenset[int]:
    """The code points both text fonts can draw (names are set in either)."""
    fonts = parsed_fonts()
    return frozenset(fonts["sans"].font.cmap.keys() & fonts["bold"].font.cmap.keys())


def text_width(text: str, font: str, size: float) -> float:
    """Width in mm of `text` set in `font` at `size` points."""
    widths = parsed_fonts()[font].font.cw
    return float(sum(widths[ord(c)] for c in text)) * size / 1000 * PT


# --- the subset cache ------------------------------------------------------------------------
K = TypeVar("K")
V = TypeVar("V")


class _Kept(Generic[K, V]):
    """The last `size` results, the oldest dropped first: the daemon renders letters for
    months, and each new mix of rare letters (a Łukasz, a Nguyễn) makes subsets of its own."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[K, V] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


# (font key, glyph names) → the subset font's bytes and glyph order
_subsets: _Kept[tuple[str, frozenset[str]], tuple[bytes, list[str]]] = _Kept(48)


class _CachingSubsetter:
    """fontTools' Subsetter as fpdf2 calls it on output (populate, then subset in place),
    remembering each result: a font already subset to the same glyphs is swapped in from the
    cache, its tables then copied as they are when fpdf2 saves it."""

    def __init__(self, options: Any = None) -> None:
        from fontTools import subset

        self._real = subset.Subsetter(options)
        self._glyphs: frozenset[str] = frozenset()

    def populate(self, *, glyphs: Iterable[str] = (), **kwargs: Any) -> None:
        self._glyphs = frozenset(glyphs)
        self._real.populate(glyphs=glyphs, **kwargs)

    def subset(self, font: Any) -> None:
        from fontTools.ttLib import TTFont

        key = getattr(font, "packweb_font", None)
        if key is None:  # not one of ours: as fpdf2 would
            self._real.subset(font)
            return
        cached = _subsets.get((key, self._glyphs))
        if cached is None:
            self._real.subset(font)
            buffer = BytesIO()
            font.save(buffer)
            cached = (buffer.getvalue(), list(font.getGlyphOrder()))
            _subsets.put((key, self._glyphs), cached)
        data, order = cached
        done = TTFont(BytesIO(data), lazy=True, recalcTimestamp=False)
        done.setGlyphOrder(order)  # not rebuilt from the cmap each time
        font.__dict__.update(done.__dict__)
        font.packweb_font = key
        # fpdf2 then saves it: the bytes are those fontTools wrote the first time.
        font.save = lambda file, *args, **kwargs: file.write(data)


class _SubsetModule:
    """Stands for `fontTools.subset` inside fpdf2's output module."""

    def __init__(self) -> None:
        from fontTools import subset

        self.Options = subset.Options
        self.Subsetter = _CachingSubsetter


class _ZlibModule:
    """Stands for `zlib` inside fpdf2's syntax module. Letter after letter, fpdf2 compresses
    the same large streams again: the font subsets, their 128 KiB CIDToGIDMap, the logo.
    Those (bytes of 4 KiB or more) are compressed once; everything else as zlib would (the
    page contents come as a bytearray)."""

    LARGE = 4096

    def __init__(self) -> None:
        import zlib

        self._zlib = zlib
        self._compressed: _Kept[tuple[bytes, int], bytes] = _Kept(64)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._zlib, name)

    def compress(self, data: bytes | bytearray, level: int = -1) -> bytes:
        if not isinstance(data, bytes) or len(data) < self.LARGE:
            return bytes(self._zlib.compress(data, level=level))
        done = self._compressed.get((data, level))
        if done is None:
            done = self._zlib.compress(data, level=level)
            self._compressed.put((data, level), done)
        return done


def _install_subset_cache() -> None:
    import fpdf.output
    import fpdf.syntax

    # fpdf2 calls fontTools' subsetter and zlib through these module globals (fpdf2 < 3,
    # pinned; tests/services/test_letters.py reads every letter back).
    if not isinstance(getattr(fpdf.output, "ftsubset", None), _SubsetModule):
        setattr(fpdf.output, "ftsubset", _SubsetModule())  # noqa: B010
    if not isinstance(getattr(fpdf.syntax, "zlib", None), _ZlibModule):
        setattr(fpdf.syntax, "zlib", _ZlibModule())  # noqa: B010
