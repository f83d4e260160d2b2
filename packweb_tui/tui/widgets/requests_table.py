"""The table of pending requests: draws only the lines on screen (Textual's line API, as
Toolong does) over an in-memory list of light rows, so 10,000 requests open, filter and sort
as fast as ten.

The rows' texts come from the web and are untrusted: they are cleaned of control characters
once, when loaded, and drawn as plain segments (never parsed as markup)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from packweb_tui.domain.dates import PARIS
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.names import fold_name
from packweb_tui.tui.widgets.requests_rows import (
    SORT_KEYS,
    SORTS,
    WIDE,
    Column,
    Line,
    cell,
    fit,
    layout,
    make_line,
    natural_widths,
    prepare,
)

if TYPE_CHECKING:
    from packweb_tui.services.pending import QueueRow


class RequestsTable(ScrollView, can_focus=True, inherit_bindings=False):
    """Pending requests: a cursor line, ticked lines (by request id), a filter and a sort."""

    DEFAULT_CSS = """
    RequestsTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    RequestsTable > .requests-table--header {
        text-style: bold;
        color: $text-muted;
        background: $panel;
    }
    RequestsTable > .requests-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    RequestsTable > .requests-table--checked {
        background: $accent 20%;
    }
    RequestsTable > .requests-table--late {
        color: $text-warning;
        text-style: bold;
    }
    RequestsTable > .requests-table--empty {
        color: $text-muted;
    }
    RequestsTable > .requests-table--exact { color: $text-success; }
    RequestsTable > .requests-table--probable { color: $text-warning; }
    RequestsTable > .requests-table--ambiguous { color: $text-warning; }
    RequestsTable > .requests-table--mismatch { color: $text-error; text-style: bold; }
    RequestsTable > .requests-table--none { color: $text-muted; }
    RequestsTable > .requests-table--duplicate { color: $text-muted; }
    RequestsTable > .requests-table--has_account { color: $text-accent; }
    """

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
        self._natural: dict[bool, dict[str, int]] = {}  # wide or not → the texts' widths
        self._layout: tuple[tuple[int, str], list[tuple[Column, int]]] | None = None

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
        self._natural.clear()
        self._layout = None
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
        key = SORT_KEYS[self.sort_key]
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
        shown = {c.key for c, _ in self.columns} | {"received"}
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
    @property
    def columns(self) -> list[tuple[Column, int]]:
        """The columns shown and their widths: in the width the scrollbar leaves (a column
        under it would be cut without its ellipsis), sized to the rows' texts."""
        width = self.scrollable_content_region.width
        key = (width, self.sort_key)
        if self._layout is None or self._layout[0] != key:
            wide = width >= WIDE
            if wide not in self._natural:
                self._natural[wide] = natural_widths(self._lines, self.now, wide)
            self._layout = key, layout(width, self._natural[wide], self.sort_key)
        return self._layout[1]

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
        for column, size in self.columns:
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
        wide = self.scrollable_content_region.width >= WIDE
        segments: list[Segment] = []
        for column, size in self.columns:
            text, component = cell(line, column.key, self.now, wide, checked)
            cell_style = style
            if component is not None:
                cell_style += self.get_component_rich_style(f"requests-table--{component}")
            segments.append(Segment(fit(text, size), cell_style))
            segments.append(Segment(" ", style))
        return Strip(segments).adjust_cell_length(width, style)
