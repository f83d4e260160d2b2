"""Credentials letters as PDF (fpdf2): one A4 page a letter, in DejaVu (the built-in PDF fonts
cannot write œ, €, ’, Ł or ễ), the login and password in DejaVu Sans Mono, where 0 and O,
1, l and I never look alike.

A thousand separate letters must take seconds, and three things in fpdf2 cost tens of
milliseconds a document each; each is done once here instead:
- parsing the TrueType fonts (~37 ms each): parsed once per process; a new document gets a
  copy that shares the parsed tables, with its own subset and a fresh fontTools font;
- breaking lines (multi_cell measures every character in Python): the letter's lines are
  wrapped here with the parsed widths, the paragraphs every letter shares once, and drawn with
  `text()` at their place;
- subsetting the fonts on output (~36 ms a font): every document uses the same base glyphs
  (French, every printable ASCII character for the login and password), and fpdf2's call to
  fontTools' subsetter is given a cache keyed by the font and the glyph set, so that only a
  letter with rarer characters (Łukasz, Nguyễn) makes a subset of its own."""

from __future__ import annotations

import os
import string
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any, Generic, TypeVar

from packweb_tui.domain.dates import french_date
from packweb_tui.domain.letters import (
    CAUTION,
    CLOSING,
    LetterContent,
    credential_lines,
    letter_greeting,
    letter_sections,
    letter_subject,
)
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
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 20.0  # A4, mm
WIDTH = PAGE_W - 2 * MARGIN
INK = (33, 37, 41)
MUTED = (95, 99, 104)
BOX = (232, 238, 244)
PT = 25.4 / 72  # one point in mm


@dataclass(frozen=True, slots=True)
class Text:
    font: str  # a key of FONTS
    size: float  # pt
    x: float  # mm, from the left
    y: float  # mm, the baseline, from the top
    text: str
    color: tuple[int, int, int] = INK


# --- fonts -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Parsed:
    font: Any  # fpdf2's TTFFont
    raw: bytes  # the font file
    subset: Any  # fpdf2's SubsetMap holding BASE_GLYPHS, copied into each document


@cache
def _fonts() -> dict[str, _Parsed]:
    """Each font parsed once, with its file's bytes and its base glyphs picked."""
    from fpdf import FPDF

    _install_subset_cache()
    model = FPDF()
    parsed: dict[str, _Parsed] = {}
    for key, family, style, file in FONTS:
        path = fonts_dir() / file
        model.add_font(family, style, path)
        font: Any = model.fonts[f"{family}{style}"]
        for char in BASE_GLYPHS[key]:
            font.subset.pick(ord(char))
        parsed[key] = _Parsed(font, path.read_bytes(), font.subset)
    _forget_picks()
    return parsed


def _forget_picks() -> None:
    """fpdf2 memoizes SubsetMap.pick and get_glyph with functools.cache, which holds every
    document's subset (and fonts) for ever: emptied after each document."""
    from fpdf.fonts import SubsetMap

    SubsetMap.pick.cache_clear()
    SubsetMap.get_glyph.cache_clear()


def _document(title: str) -> Any:
    from fontTools.ttLib import TTFont
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    for key, family, style, _ in FONTS:
        parsed = _fonts()[key]
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
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_title(title)
    pdf.set_author("PackWeb Console")
    pdf.set_creator("PackWeb Console")
    pdf.set_lang("fr")
    return pdf


@cache
def _drawn() -> frozenset[int]:
    """The code points both text fonts can draw (names are set in either)."""
    fonts = _fonts()
    return frozenset(fonts["sans"].font.cmap.keys() & fonts["bold"].font.cmap.keys())


def unprintable(content: LetterContent) -> str:
    """The characters of the letter's names and addresses that its font cannot draw (a name
    in Chinese or Arabic script...): they would be missing from the PDF. In their order, once."""
    drawn = _drawn()
    seen: dict[str, None] = {}
    for text in (
        content.establishment, *content.address, content.school_email or "", content.holder,
        content.recipient_email, *content.hosts,
    ):  # fmt: skip
        for char in text:
            if not char.isspace() and ord(char) not in drawn:
                seen.setdefault(char)
    return "".join(seen)


def text_width(text: str, font: str, size: float) -> float:
    """Width in mm of `text` set in `font` at `size` points."""
    widths = _fonts()[font].font.cw
    return float(sum(widths[ord(c)] for c in text)) * size / 1000 * PT


@lru_cache(maxsize=4096)
def wrap(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """`text` broken into lines no wider than `width` mm, at spaces (a word longer than a
    line, such as a long address, is cut where it must). Cached: the paragraphs every letter
    shares are wrapped once."""
    lines: list[str] = []
    space = text_width(" ", font, size)
    line, used = "", 0.0
    for word in _pieces(text.split(), font, size, width):
        w = text_width(word, font, size)
        if line and used + space + w > width:
            lines.append(line)
            line, used = word, w
        else:
            line, used = (f"{line} {word}", used + space + w) if line else (word, w)
    if line:
        lines.append(line)
    return tuple(lines)


def _pieces(words: list[str], font: str, size: float, width: float) -> Iterator[str]:
    """The words, each longer than a line cut into pieces that fit."""
    for word in words:
        while text_width(word, font, size) > width:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], font, size) > width:
                cut -= 1
            yield word[:cut]
            word = word[cut:]
        yield word


# --- layout ----------------------------------------------------------------------------------
class _Page:
    """Lines placed from the top down, at `scale` (font sizes and the space between them)."""

    def __init__(self, scale: float) -> None:
        self.items: list[Text] = []
        self.y = MARGIN
        self.scale = scale

    def paragraph(
        self,
        text: str,
        font: str = "sans",
        size: float = 10.0,
        x: float = MARGIN,
        width: float = WIDTH,
        leading: float = 1.45,
        color: tuple[int, int, int] = INK,
        after: float = 1.5,
    ) -> None:
        size = round(size * self.scale, 2)
        step = size * PT * leading
        for line in wrap(text, font, size, width):
            self.y += step
            self.items.append(Text(font, size, x, self.y, line, color))
        self.y += after * self.scale

    def skip(self, space: float) -> None:
        self.y += space * self.scale


@dataclass(frozen=True, slots=True)
class Layout:
    lines: list[Text]
    box_top: float  # where the credentials' box begins


BODY_BOTTOM = PAGE_H - 32  # the body ends above the caution at the foot of the page
# How a letter that does not fit is made to: its text a little smaller and closer, then the
# list of its hosts shortened (a family may have many children), then smaller again.
FITTING: tuple[tuple[float, int | None], ...] = (
    (1.0, None), (0.95, None), (0.9, None), (0.9, 3), (0.85, 3), (0.8, 3), (0.75, 1),
    (0.7, 1), (0.65, 1),
)  # fmt: skip


def layout(content: LetterContent) -> Layout:
    """Where every line of the letter goes: on one page, whatever the length of the names,
    the address or the list of hosts (ValueError only for text no letter could hold)."""
    for scale, hosts in FITTING:
        placed, bottom = _place(_shorten_hosts(content, hosts), scale)
        if bottom <= BODY_BOTTOM:
            return placed
    raise ValueError(f"lettre trop longue pour une page ({content.login})")


def _shorten_hosts(content: LetterContent, keep: int | None) -> LetterContent:
    if keep is None or len(content.hosts) <= keep + 1:
        return content
    rest = len(content.hosts) - keep
    return replace(content, hosts=(*content.hosts[:keep], f"et {rest} autres cartes"))


def _place(content: LetterContent, scale: float) -> tuple[Layout, float]:
    """The letter laid out at `scale`, and where its body ends."""
    page = _Page(scale)
    right = PAGE_W / 2 + 5
    page.paragraph(content.establishment, "bold", 12, width=WIDTH - 40, after=0.5)
    for line in (*content.address, content.school_email or ""):
        if line:
            page.paragraph(line, size=9, color=MUTED, width=WIDTH - 40, after=0)
    # The holder's block where an envelope's window shows it, unless the header runs long.
    page.y = max(page.y + 12 * scale, 58.0)
    top = page.y
    page.paragraph(content.holder, "bold", 10.5, x=right, width=PAGE_W - MARGIN - right, after=0)
    page.paragraph(content.recipient_email, size=9.5, x=right, width=PAGE_W - MARGIN - right)
    page.y = max(page.y, top + 12 * scale) + 3 * scale
    page.paragraph(f"Le {french_date(content.issued_on)}", size=10, x=right, after=8)
    page.paragraph(letter_subject(content), "bold", 12.5, after=4)
    for paragraph in letter_greeting(content):
        page.paragraph(paragraph, size=10.5, after=2.5)
    page.skip(2)
    login, password = credential_lines(content)
    box_top = page.y
    page.y += 3
    for line, size in ((login, 12.0), (password, 14.0)):  # never smaller: it must be read
        label, _, value = line.partition(" : ")
        page.y += 8
        page.items.append(Text("sans", 10.5, MARGIN + 8, page.y, f"{label} :", MUTED))
        page.items.append(Text("mono", size, MARGIN + 44, page.y, value))
    page.y = box_top + 30
    for section in letter_sections(content):
        page.paragraph(section.heading, "bold", 10.5, after=0.5)
        for paragraph in section.paragraphs:
            page.paragraph(paragraph, size=9.5, leading=1.4, after=1.2)
        page.skip(2.5)
    page.paragraph(CLOSING[0], size=10.5, after=3)
    page.paragraph(CLOSING[1], "bold", 10.5, x=right)
    bottom = page.y
    # The caution, at the foot of the page, always the same.
    page.y, page.scale = PAGE_H - 26.5, 1.0
    page.paragraph(CAUTION, size=8.5, color=MUTED, leading=1.35)
    return Layout(page.items, box_top), bottom


def _draw(pdf: Any, placed: Layout) -> None:
    pdf.add_page()
    pdf.set_fill_color(*BOX)
    pdf.rect(MARGIN, placed.box_top, WIDTH, 26, style="F")
    pdf.set_draw_color(*MUTED)
    pdf.line(MARGIN, PAGE_H - 27, PAGE_W - MARGIN, PAGE_H - 27)
    pdf.set_fill_color(255, 255, 255)  # text() draws in the text colour only if they differ
    current: tuple[str, float] | None = None
    color: tuple[int, int, int] | None = None
    families = {key: (family, style) for key, family, style, _ in FONTS}
    for item in placed.lines:
        if current != (item.font, item.size):
            family, style = families[item.font]
            pdf.set_font(family, style, item.size)
            current = (item.font, item.size)
        if color != item.color:
            pdf.set_text_color(*item.color)
            color = item.color
        pdf.text(item.x, item.y, item.text)


# fpdf2 keeps caches at module level (and the subset cache here patches two of its modules):
# one document at a time in a process. Many letters at once go to worker processes.
_rendering = threading.Lock()


def letter_pdf(content: LetterContent) -> bytes:
    """One letter, one document (attached to its email)."""
    placed = layout(content)
    with _rendering:
        pdf = _document(letter_subject(content))
        _draw(pdf, placed)
        _logo(pdf, content.logo)
        return _output(pdf)


def edition_pdf(contents: Iterable[LetterContent]) -> bytes:
    """The édition: every letter of a selection in one document, a page each, to print."""
    pages = [(layout(content), content.logo) for content in contents]
    if not pages:
        raise ValueError("aucune lettre à imprimer")
    with _rendering:
        pdf = _document("Édition des identifiants")
        for placed, logo in pages:
            _draw(pdf, placed)
            _logo(pdf, logo)
        return _output(pdf)


def _output(pdf: Any) -> bytes:
    try:
        return bytes(pdf.output())
    finally:
        _forget_picks()


def _logo(pdf: Any, logo: Path | None) -> None:
    """The logo, top right, 32 mm wide at most and 22 mm high (a missing or unreadable file
    leaves the letter without: it is only a decoration)."""
    if logo is None or not logo.is_file():
        return
    try:
        pdf.image(
            str(logo), x=PAGE_W - MARGIN - 32, y=MARGIN - 6, w=32, h=22, keep_aspect_ratio=True
        )
    except Exception:  # fpdf2 raises various errors for a file it cannot read
        return


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
    # pinned; tests/test_letters.py reads every letter back).
    if not isinstance(getattr(fpdf.output, "ftsubset", None), _SubsetModule):
        setattr(fpdf.output, "ftsubset", _SubsetModule())  # noqa: B010
    if not isinstance(getattr(fpdf.syntax, "zlib", None), _ZlibModule):
        setattr(fpdf.syntax, "zlib", _ZlibModule())  # noqa: B010


# --- many letters at once --------------------------------------------------------------------
IN_PROCESS_UP_TO = 24  # below this, starting worker processes costs more than it saves


def _warm() -> None:
    _fonts()


def _render_chunk(contents: list[LetterContent]) -> list[bytes]:
    return [letter_pdf(content) for content in contents]


def render_letters(contents: Sequence[LetterContent], workers: int | None = None) -> list[bytes]:
    """Each letter as its own PDF, in the order given: on every core for a large batch
    (fpdf2 holds the interpreter: threads would not help). Blocking."""
    count = len(contents)
    workers = min(workers or os.cpu_count() or 1, max(count // IN_PROCESS_UP_TO, 1))
    if workers <= 1:
        return _render_chunk(list(contents))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: no fork of a process that runs threads (the console, the event loop).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    size = max(min(64, count // (workers * 4)), 1)
    chunks = [list(contents[i : i + size]) for i in range(0, count, size)]
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm) as pool:
        return [pdf for part in pool.map(_render_chunk, chunks) for pdf in part]
