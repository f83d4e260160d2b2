"""The table of pending requests: draws only the lines on screen (Textual's line API, as
Toolong does) over an in-memory list of light rows, so 10,000 requests open, filter and sort
as fast as ten.

The rows' texts come from the web and are untrusted: they are cleaned of control characters
once, when loaded, and drawn as plain segments (never parsed as markup)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from packweb_tui.domain.dates import PARIS
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.names import clean_text, fold_name
from packweb_tui.domain.requests import ANSWER_DELAY_HOURS

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
    Column("age", "Attente", 12),
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
_SORT_KEYS: dict[str, Callable[[Line], Any]] = {
    "received": lambda line: (line.row.submitted_at, line.row.id),
    "last": lambda line: (line.folded[0], line.folded[1], line.row.id),
    "first": lambda line: (line.folded[1], line.folded[0], line.row.id),
    "card": lambda line: (line.card, line.row.id),
    "kind": lambda line: (KIND_ORDER[line.row.match_kind], line.row.submitted_at, line.row.id),
    "email": lambda line: (line.email.casefold(), line.row.id),
    "host": lambda line: (line.host == "", line.folded[2], line.row.id),
}


def layout(width: int) -> list[tuple[Column, int]]:
    """The columns shown at `width` and their widths (one space between two columns)."""
    shown = [c for c in COLUMNS if width >= WIDE or not c.wide_only]
    spare = width - sum(c.width for c in shown) - (len(shown) - 1)
    flex = sum(c.flex for c in shown)
    widths = [c.width for c in shown]
    if spare > 0 and flex:
        given = 0
        for n, column in enumerate(shown):
            extra = spare * column.flex // flex
            widths[n] += extra
            given += extra
        widths[-1] += spare - given
    return list(zip(shown, widths, strict=True))


class RequestsTable(ScrollView, can_focus=True, inherit_bindings=False):
    """Pending requests: a cursor line, ticked lines (by request id), a filter and a sort."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "requests-table--header",
        "requests-table--cursor",
        "requests-table--checked",
        "requests-table--late",
        "requests-table--empty",
        *(f"requests-table--{kind.value}" for kind in MatchKind),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Ligne précédente", id="requests.up", show=False),
        Binding("down", "move(1)", "Ligne suivante", id="requests.down", show=False),
        Binding("pageup", "page(-1)", "Page précédente", id="requests.page_up", show=False),
        Binding("pagedown", "page(1)", "Page suivante", id="requests.page_down", show=False),
        Binding("home", "jump(0)", "Première ligne", id="requests.first", show=False),
        Binding("end", "jump(-1)", "Dernière ligne", id="requests.last", show=False),
        Binding(
            "shift+up",
            "extend(-1)",
            "Cocher en remontant",
            id="requests.extend_up",
            show=False,
            tooltip="Étendre la sélection à la ligne précédente",
        ),
        Binding(
            "shift+down",
            "extend(1)",
            "Cocher en descendant",
            id="requests.extend_down",
            show=False,
            tooltip="Étendre la sélection à la ligne suivante",
        ),
        Binding(
            "space",
            "toggle_row",
            "Cocher",
            id="requests.toggle",
            tooltip="Cocher ou décocher la ligne",
        ),
        Binding(
            "a",
            "check_all",
            "Tout",
            id="requests.check_all",
            show=False,
            tooltip="Cocher toutes les lignes",
        ),
        Binding(
            "n",
            "check_none",
            "Aucune",
            id="requests.check_none",
            show=False,
            tooltip="Décocher toutes les lignes",
        ),
        Binding(
            "i",
            "invert",
            "Inverser",
            id="requests.invert",
            show=False,
            tooltip="Inverser la sélection des lignes affichées",
        ),
        Binding(
            "e",
            "check_exact",
            "Exactes",
            id="requests.check_exact",
            tooltip="Cocher toutes les lignes « Exacte » affichées",
        ),
        Binding(
            "t",
            "next_sort",
            "Trier",
            id="requests.sort",
            show=False,
            tooltip="Trier par la colonne suivante",
        ),
        Binding(
            "d",
            "reverse_sort",
            "Sens",
            id="requests.reverse",
            show=False,
            tooltip="Inverser le sens du tri (croissant, décroissant)",
        ),
        Binding(
            "enter",
            "open",
            "Détail",
            id="requests.open",
            tooltip="Ouvrir le détail de la demande",
        ),
    ]

    class Changed(Message):
        """The cursor, the ticks, the filter or the rows changed."""

    class Opened(Message):
        def __init__(self, row: QueueRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.now: datetime = datetime.now(PARIS)
        self._lines: list[Line] = []
        self._prepared = False  # every line's folded texts are made (`prepare`)
        self._order: list[int] = []  # indexes into _lines, sorted
        self._view: list[int] = []  # _order filtered
        self._words: list[str] = []
        self.filter_text = ""
        self.sort_key = "received"
        self.sort_reverse = False
        self.checked: set[int] = set()  # request ids
        self.cursor = 0  # index into _view
        self._anchor: int | None = None
        self.loaded = False
        self.partial = False  # only the first page is loaded (see load)

    # --- data ----------------------------------------------------------------------------------
    def load(self, rows: Sequence[QueueRow], now: datetime, partial: bool = False) -> None:
        """Show `rows` (the store's truth), keeping the ticks, the cursor's request, the
        filter and the sort where they still apply. `partial`: only the oldest rows, read
        ahead while the store opens; what needs every row (ticking them all, sorting) waits."""
        current = self.current
        self.now = now
        self.partial = partial
        self._lines = [make_line(r) for r in rows]
        self._prepared = False
        # Folding 10,000 lines takes a tenth of a second: done once the rows are on screen
        # (Textual writes out the first frame only when its start-up is over), before the
        # first keystroke of a filter needs it; a filter typed sooner folds them itself.
        self.set_timer(0.5, self._prepare_all)
        present = {r.id for r in rows}
        self.checked &= present
        self.loaded = True
        self.refresh_bindings()
        self._sort()
        self._apply(current.id if current else None)

    @property
    def rows(self) -> list[QueueRow]:
        return [line.row for line in self._lines]

    @property
    def visible_rows(self) -> list[QueueRow]:
        return [self._lines[i].row for i in self._view]

    @property
    def current(self) -> QueueRow | None:
        if 0 <= self.cursor < len(self._view):
            return self._lines[self._view[self.cursor]].row
        return None

    @property
    def checked_rows(self) -> list[QueueRow]:
        """The ticked rows, in the table's order (hidden by the filter or not)."""
        return [self._lines[i].row for i in self._order if self._lines[i].row.id in self.checked]

    def set_filter(self, text: str) -> None:
        current = self.current
        self.filter_text = text
        self._words = fold_name(text).split()
        self._apply(current.id if current else None)

    def _prepare_all(self) -> None:
        if not self._prepared:
            for line in self._lines:
                prepare(line)
            self._prepared = True

    def _sort(self) -> None:
        if self.sort_key != "received":
            self._prepare_all()
        key = _SORT_KEYS[self.sort_key]
        lines = self._lines
        self._order = sorted(
            range(len(lines)), key=lambda i: key(lines[i]), reverse=self.sort_reverse
        )

    def _apply(self, keep_id: int | None) -> None:
        lines, words = self._lines, self._words
        if words:
            self._prepare_all()
            self._view = [
                i for i in self._order if all(w in (lines[i].search or "") for w in words)
            ]
        else:
            self._view = list(self._order)
        self.cursor = 0
        if keep_id is not None:
            for n, i in enumerate(self._view):
                if lines[i].row.id == keep_id:
                    self.cursor = n
                    break
        self._anchor = None
        self.virtual_size = Size(self.size.width, len(self._view) + 1)
        self._show_cursor()
        self.refresh()
        self.post_message(self.Changed())

    _WHOLE_QUEUE_ACTIONS = frozenset(
        {"check_all", "invert", "check_exact", "next_sort", "reverse_sort"}
    )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.partial and action in self._WHOLE_QUEUE_ACTIONS:
            return None  # shown, greyed, until every row is here
        return True

    # --- moving ------------------------------------------------------------------------------
    @property
    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 2, 1)

    def _move_to(self, index: int) -> None:
        if not self._view:
            return
        self.cursor = max(0, min(index, len(self._view) - 1))
        self._show_cursor()
        self.refresh()
        self.post_message(self.Changed())

    def _show_cursor(self) -> None:
        rows_shown = max(self.scrollable_content_region.height - 1, 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows_shown:
            self.scroll_to(y=self.cursor - rows_shown + 1, animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        self._anchor = None
        self._move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self._anchor = None
        self._move_to(self.cursor + direction * self._page)

    def action_jump(self, where: int) -> None:
        self._anchor = None
        self._move_to(0 if where == 0 else len(self._view) - 1)

    def action_extend(self, step: int) -> None:
        """Shift+arrow: tick from where it started to the new line."""
        if not self._view:
            return
        if self._anchor is None:
            self._anchor = self.cursor
        anchor = self._anchor
        self._move_to(self.cursor + step)
        self._anchor = anchor
        low, high = sorted((anchor, self.cursor))
        self.checked.update(self._lines[i].row.id for i in self._view[low : high + 1])
        self.post_message(self.Changed())

    # --- ticking -----------------------------------------------------------------------------
    def _tick(self, ids: Iterable[int]) -> None:
        self.checked.update(ids)
        self.refresh()
        self.post_message(self.Changed())

    def action_toggle_row(self) -> None:
        row = self.current
        if row is None:
            return
        self.checked.symmetric_difference_update({row.id})
        self._anchor = None
        self._move_to(self.cursor + 1)  # ticking a column of lines is space, space, space
        self.refresh()
        self.post_message(self.Changed())

    def action_check_all(self) -> None:
        self._tick(row.id for row in self.visible_rows)

    def action_check_none(self) -> None:
        self.checked.clear()
        self._tick(())

    def action_invert(self) -> None:
        visible = {row.id for row in self.visible_rows}
        self.checked ^= visible
        self._tick(())

    def action_check_exact(self) -> None:
        self._tick(row.id for row in self.visible_rows if row.match_kind == MatchKind.EXACT)

    # --- sorting -----------------------------------------------------------------------------
    def sort_by(self, key: str, reverse: bool = False) -> None:
        current = self.current
        self.sort_key, self.sort_reverse = key, reverse
        self._sort()
        self._apply(current.id if current else None)

    def action_next_sort(self) -> None:
        keys = [k for k, _ in SORTS]
        shown = {c.key for c, _ in layout(self.size.width)} | {"received"}
        following = keys[keys.index(self.sort_key) + 1 :] + keys
        self.sort_by(next(k for k in following if k in shown))

    def action_reverse_sort(self) -> None:
        self.sort_by(self.sort_key, not self.sort_reverse)

    @property
    def sort_label(self) -> str:
        label = dict(SORTS)[self.sort_key]
        return f"{label} {'↓' if self.sort_reverse else '↑'}"

    def action_open(self) -> None:
        if (row := self.current) is not None:
            self.post_message(self.Opened(row))

    # --- drawing -----------------------------------------------------------------------------
    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._view) + 1)
        self._show_cursor()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            return self._header(width, base)
        index = round(self.scroll_y) + y - 1
        if index >= len(self._view):
            if index == 0 and self.loaded:
                style = base + self.get_component_rich_style("requests-table--empty")
                text = "Aucune demande ne correspond au filtre." if self._words else ""
                text = text or "Aucune demande en attente."
                return Strip([Segment(fit("  " + text, width), style)], width)
            return Strip.blank(width, base)
        line = self._lines[self._view[index]]
        return self._row(line, index == self.cursor, width, base)

    def _header(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("requests-table--header")
        segments = []
        for column, size in layout(width):
            title = column.title
            if column.key == self.sort_key:
                title = f"{title} {'↓' if self.sort_reverse else '↑'}"
            segments.append(Segment(fit(title, size) + " ", style))
        return Strip(segments).adjust_cell_length(width, style)

    def _row(self, line: Line, is_cursor: bool, width: int, base: Style) -> Strip:
        row = line.row
        checked = row.id in self.checked
        style = base
        if checked:
            style += self.get_component_rich_style("requests-table--checked")
        if is_cursor and self.has_focus:
            style += self.get_component_rich_style("requests-table--cursor")
        age = self.now - row.submitted_at
        late = age > LATE
        wide = width >= WIDE
        segments: list[Segment] = []
        for column, size in layout(width):
            cell_style = style
            match column.key:
                case "check":
                    text = "[x]" if checked else "[ ]"
                case "received":
                    text = row.submitted_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
                case "age":
                    text = age_text(age)
                    if late:
                        text += " retard"
                        cell_style = style + self.get_component_rich_style("requests-table--late")
                case "card":
                    text = line.card
                case "last":
                    text = line.last
                case "first":
                    text = line.first
                case "email":
                    text = line.email
                case "kind":
                    kind = row.match_kind
                    text = kind.label if wide else SHORT_KIND.get(kind, kind.label)
                    cell_style = style + self.get_component_rich_style(
                        f"requests-table--{kind.value}"
                    )
                case _:
                    text = line.host
                    if wide and line.host_card:
                        text = f"{line.host_card} {text}"
                    if row.attached_by:
                        text += f" (à la main : {row.attached_by})" if wide else " (main)"
            segments.append(Segment(fit(text, size), cell_style))
            segments.append(Segment(" ", style))
        return Strip(segments).adjust_cell_length(width, style)
