"""Credentials letters as PDF (fpdf2): one A4 page a letter, in DejaVu, the login and password
in DejaVu Sans Mono (see pdf_fonts.py for the fonts, and for what makes a thousand separate
letters take seconds).

The letter's lines are wrapped here with the parsed fonts' widths (the paragraphs every letter
shares once), and drawn with `text()` at their place: fpdf2's multi_cell would measure every
character in Python."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packweb_tui.domain.dates import french_date
from packweb_tui.domain.letters import (
    CAUTION,
    CLOSING,
    SUBJECT_LINE,
    LetterContent,
    addressee_lines,
    contact_lines,
    credential_lines,
    letter_greeting,
    letter_sections,
    letter_subject,
)
from packweb_tui.services.pdf_fonts import (
    FONTS,
    PT,
    drawable,
    forget_picks,
    new_document,
    parsed_fonts,
    text_width,
)

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 20.0  # A4, mm
WIDTH = PAGE_W - 2 * MARGIN
INK = (33, 37, 41)
MUTED = (95, 99, 104)
BOX = (232, 238, 244)


@dataclass(frozen=True, slots=True)
class Text:
    font: str  # a key of FONTS
    size: float  # pt
    x: float  # mm, from the left
    y: float  # mm, the baseline, from the top
    text: str
    color: tuple[int, int, int] = INK


def _document(title: str) -> Any:
    pdf = new_document()
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_title(title)
    pdf.set_author("PackWeb Console")
    pdf.set_creator("PackWeb Console")
    pdf.set_lang("fr")
    return pdf


def unprintable(content: LetterContent) -> str:
    """The characters of the letter's names and addresses that its font cannot draw (a name
    in Chinese or Arabic script...): they would be missing from the PDF. In their order, once."""
    drawn = drawable()
    seen: dict[str, None] = {}
    for text in (
        content.establishment, *content.address, *contact_lines(content), content.holder,
        *content.hosts,
    ):  # fmt: skip
        for char in text:
            if not char.isspace() and ord(char) not in drawn:
                seen.setdefault(char)
    return "".join(seen)


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
    for line in (*content.address, *contact_lines(content)):
        page.paragraph(line, size=9, color=MUTED, width=WIDTH - 40, after=0)
    # The addressee where an envelope's window shows it, unless the header runs long.
    page.y = max(page.y + 12 * scale, 58.0)
    top = page.y
    *before, name = addressee_lines(content)
    for line in before:  # « Aux responsables de »
        page.paragraph(line, size=10, x=right, width=PAGE_W - MARGIN - right, after=0)
    page.paragraph(name, "bold", 10.5, x=right, width=PAGE_W - MARGIN - right)
    page.y = max(page.y, top + 12 * scale) + 3 * scale
    page.paragraph(f"Le {french_date(content.issued_on)}", size=10, x=right, after=8)
    page.paragraph(SUBJECT_LINE, "bold", 11.5, after=4)
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


# fpdf2 keeps caches at module level (and pdf_fonts.py patches two of its modules for its own):
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
        forget_picks()


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


# --- many letters at once --------------------------------------------------------------------
IN_PROCESS_UP_TO = 24  # below this, starting worker processes costs more than it saves


def _warm() -> None:
    parsed_fonts()


def _render_chunk(contents: list[LetterContent]) -> list[bytes]:
    return [letter_pdf(content) for content in contents]


def worker_context() -> BaseContext:
    """The multiprocessing context the PDF workers start from: forkserver, no fork of a
    process that runs threads (the console, the event loop). Its helper process (the resource
    tracker) is started first with a real standard error when sys.stderr has none: the
    console's is Textual's capture (fileno() -1), which multiprocessing would hand to the
    helper, and every start of workers would fail ("bad value(s) in fds_to_keep")."""
    import contextlib
    import multiprocessing
    import sys
    from multiprocessing import resource_tracker

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if not usable:
        with open(os.devnull, "w") as sink, contextlib.redirect_stderr(sink):
            resource_tracker.ensure_running()
    return context


def render_letters(contents: Sequence[LetterContent], workers: int | None = None) -> list[bytes]:
    """Each letter as its own PDF, in the order given: on every core for a large batch
    (fpdf2 holds the interpreter: threads would not help). Blocking."""
    count = len(contents)
    workers = min(workers or os.cpu_count() or 1, max(count // IN_PROCESS_UP_TO, 1))
    if workers <= 1:
        return _render_chunk(list(contents))
    from concurrent.futures import ProcessPoolExecutor

    size = max(min(64, count // (workers * 4)), 1)
    chunks = [list(contents[i : i + size]) for i in range(0, count, size)]
    context = worker_context()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm) as pool:
        return [pdf for part in pool.map(_render_chunk, chunks) for pdf in part]
