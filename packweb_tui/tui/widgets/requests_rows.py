"""What the Demandes table draws, apart from the drawing: its lines (the rows' texts cleaned
once, folded for the filter and the sorts), its columns and how they share a width, its sorts,
and the text of each cell."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size

from packweb_tui.domain.dates import PARIS
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.names import clean_text, fold_name
from packweb_tui.domain.requests import ANSWER_DELAY_HOURS
from packweb_tui.tui.widgets.widths import share, widest

if TYPE_CHECKING:
    from packweb_tui.services.pending import QueueRow

LATE = timedelta(hours=ANSWER_DELAY_HOURS)
WIDE = 120  # from this width on, every column is shown
KIND_ORDER = {kind: n for n, kind in enumerate(MatchKind)}
SHORT_KIND = {MatchKind.HAS_ACCOUNT: "Déjà compte"}


def age_text(age: timedelta) -> str:
    """``12 min``, ``5 h``, ``3 j``: how long a request has waited."""
    minutes = max(int(age.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} j"


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


@dataclass(slots=True)
class Line:
    """A row and what drawing it needs, cleaned once at load. What filtering and sorting
    need (folded texts) is added by `prepare`, after the first rows are painted."""

    row: QueueRow
    card: str
    last: str
    first: str
    email: str
    host: str  # "DUPONT Marie-Hélène"
    host_card: str
    search: str | None = None  # the folded text the filter searches
    folded: tuple[str, str, str] = ("", "", "")  # last name, first name, host


def make_line(row: QueueRow) -> Line:
    last, first = clean_text(row.last_name), clean_text(row.first_name)
    email, host = clean_text(row.email), clean_text(row.host_name or "")
    return Line(row, row.card_digits, last, first, email, host, row.host_card or "")


_KIND_WORDS = {kind: f"{fold_name(kind.label)} {kind.value}" for kind in MatchKind}


def prepare(line: Line) -> None:
    """Fold the line's names once, for the filter and the sorts."""
    if line.search is not None:
        return
    line.folded = (fold_name(line.last), fold_name(line.first), fold_name(line.host))
    # One fold of the joined texts folds each alike (separators become single spaces); the
    # email folds to "p.durand@free fr", which a typed "free.fr" (folded too) still finds.
    names = fold_name(f"{line.last} {line.first} {line.email} {line.host}")
    line.search = f"{names} {line.card} {line.host_card} {_KIND_WORDS[line.row.match_kind]}"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    width: int  # at least
    flex: int = 0  # share of the width left over
    wide_only: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("check", "", 3),
    Column("received", "Reçue le", 16, wide_only=True),
    Column("age", "Attente", 7),
    Column("card", "Carte", 5),
    Column("last", "Nom", 9, 3),
    Column("first", "Prénom", 8, 2),
    Column("email", "Courriel", 16, 3, wide_only=True),
    Column("kind", "Concordance", 11),
    Column("host", "Hôte rattaché", 14, 4),
)
# The columns `t` cycles through, and how each sorts.
SORTS: tuple[tuple[str, str], ...] = (
    ("received", "reçue le"),
    ("last", "nom"),
    ("first", "prénom"),
    ("card", "carte"),
    ("kind", "concordance"),
    ("email", "courriel"),
    ("host", "hôte rattaché"),
)
SORT_KEYS: dict[str, Callable[[Line], Any]] = {
    "received": lambda line: (line.row.submitted_at, line.row.id),
    "last": lambda line: (line.folded[0], line.folded[1], line.row.id),
    "first": lambda line: (line.folded[1], line.folded[0], line.row.id),
    "card": lambda line: (line.card, line.row.id),
    "kind": lambda line: (KIND_ORDER[line.row.match_kind], line.row.submitted_at, line.row.id),
    "email": lambda line: (line.email.casefold(), line.row.id),
    "host": lambda line: (line.host == "", line.folded[2], line.row.id),
}


def natural_widths(lines: Sequence[Line], now: datetime, wide: bool) -> dict[str, int]:
    """How wide the texts of the columns whose texts vary are, at their widest."""
    return {
        "age": widest(cell(line, "age", now, wide, False)[0] for line in lines),
        "last": widest(line.last for line in lines),
        "first": widest(line.first for line in lines),
        "email": widest(line.email for line in lines) if wide else 0,
        "kind": widest(kind_text(kind, wide) for kind in {line.row.match_kind for line in lines}),
        "host": widest(host_text(line, wide) for line in lines),
    }


def layout(
    width: int, natural: Mapping[str, int] | None = None, sort_key: str | None = None
) -> list[tuple[Column, int]]:
    """The columns shown at `width` and their widths (one space between two columns). Each
    has at least its minimum and its whole title (with the arrow, if sorted by it). What
    width is left goes first to the columns whose widest text (`natural`) would be cut, the
    smallest needs first (so that a long email does not take the cells a name lacks), and
    what remains to the flexible columns."""
    shown = [c for c in COLUMNS if width >= WIDE or not c.wide_only]
    arrow = 2  # " ↑"
    widths = [max(c.width, cell_len(c.title) + (arrow if c.key == sort_key else 0)) for c in shown]
    spare = width - sum(widths) - (len(shown) - 1)
    natural = natural or {}
    wants = [natural.get(c.key, 0) - w for c, w in zip(shown, widths, strict=True)]
    for n, given in enumerate(share(spare, wants)):
        widths[n] += given
        spare -= given
    flex = sum(c.flex for c in shown)
    if spare > 0 and flex:
        given = 0
        for n, column in enumerate(shown):
            extra = spare * column.flex // flex
            widths[n] += extra
            given += extra
        widths[-1] += spare - given
    return list(zip(shown, widths, strict=True))


def kind_text(kind: MatchKind, wide: bool) -> str:
    return kind.label if wide else SHORT_KIND.get(kind, kind.label)


def host_text(line: Line, wide: bool) -> str:
    text = line.host
    if wide and line.host_card:
        text = f"{line.host_card} {text}"
    if line.row.attached_by:
        text += f" (à la main : {line.row.attached_by})" if wide else " (main)"
    return text


def cell(line: Line, key: str, now: datetime, wide: bool, checked: bool) -> tuple[str, str | None]:
    """The text of column `key` on `line`, and the style it adds (a component of the table:
    ``late``, or the match kind), if any."""
    row = line.row
    match key:
        case "check":
            return ("[x]" if checked else "[ ]"), None
        case "received":
            return row.submitted_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"), None
        case "age":
            age = now - row.submitted_at
            if age > LATE:
                return age_text(age) + " retard", "late"
            return age_text(age), None
        case "card":
            return line.card, None
        case "last":
            return line.last, None
        case "first":
            return line.first, None
        case "email":
            return line.email, None
        case "kind":
            return kind_text(row.match_kind, wide), row.match_kind.value
        case _:
            return host_text(line, wide), None
