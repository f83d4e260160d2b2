"""The dated closures of the Configuration pane: their title, the table (by date, the past
ones greyed, the current one in bold) and a line on its keys. The table's keys ask the pane to
add, change or delete one (`ClosuresTable.Requested`); the pane does it, through its dialog."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from packweb_tui.domain.dates import format_day
from packweb_tui.tui.context import console_context

if TYPE_CHECKING:
    from datetime import date

    from textual.app import ComposeResult

    from packweb_tui.services.settings import ClosureView

STATES = {"past": "passée", "current": "en cours", "coming": "à venir"}
STYLES = {"past": "dim", "current": "bold", "coming": ""}


class ClosuresTable(DataTable[str | Text]):
    """The dated closures; its keys ask the pane to add, change or delete one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "request('edit')", "Modifier", id="closures.edit",
                tooltip="Modifier la fermeture sous le curseur"),
        Binding("a,insert", "request('add')", "Ajouter", id="closures.add",
                tooltip="Ajouter une fermeture par période"),
        Binding("delete,d", "request('remove')", "Supprimer", id="closures.remove",
                key_display="Suppr", tooltip="Supprimer la fermeture sous le curseur"),
    ]  # fmt: skip

    class Requested(Message):
        def __init__(self, what: str) -> None:
            super().__init__()
            self.what = what

    def action_request(self, what: str) -> None:
        self.post_message(self.Requested(what))


class ClosuresSection(Vertical):
    """The closures shown (`show`) and the one under the cursor (`current`)."""

    DEFAULT_CSS = """
    ClosuresSection {
        height: auto;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.closures: list[ClosureView] = []

    def compose(self) -> ComposeResult:
        yield Label("Fermeture par périodes", classes="settings-section")
        yield ClosuresTable(id="settings-closures", cursor_type="row", zebra_stripes=True)
        yield Static("", id="settings-closures-note")

    def on_mount(self) -> None:
        table = self.query_one(ClosuresTable)
        table.add_column("Du", key="from", width=10)
        table.add_column("Au", key="to", width=10)
        table.add_column("État", key="state", width=8)
        table.add_column("Bloque", key="blocks", width=23)
        table.add_column("Libellé", key="label")

    def show(self, closures: Sequence[ClosureView], today: date) -> None:
        """List `closures` as of `today`, the cursor kept on the same line."""
        table = self.query_one(ClosuresTable)
        keep = table.cursor_row
        self.closures = list(closures)
        table.clear()
        for closure in closures:
            period = closure.period
            state = (
                "past" if period.is_over(today) else "current" if period.covers(today) else "coming"
            )
            texts = (
                format_day(period.starts_on),
                format_day(period.ends_on),
                STATES[state],
                period.blocks(),
                period.label,
            )
            table.add_row(*(Text(text, style=STYLES[state]) for text in texts), key=str(closure.id))
        if 0 <= keep < len(closures):
            table.move_cursor(row=keep)
        key = console_context(self).key
        if closures:
            note = (
                f"{key('closures.edit')} : modifier · {key('closures.add')} : ajouter · "
                f"{key('closures.remove')} : supprimer"
            )
        else:
            note = (
                f"Aucune fermeture par période. {key('settings.add_closure')} (ou "
                f"{key('closures.add')} dans la liste) : en ajouter une."
            )
        self.query_one("#settings-closures-note", Static).update(Content(note))

    @property
    def current(self) -> ClosureView | None:
        """The closure under the cursor, if any."""
        row = self.query_one(ClosuresTable).cursor_row
        return self.closures[row] if 0 <= row < len(self.closures) else None

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # Enter is the table's "Modifier", handled through Requested
