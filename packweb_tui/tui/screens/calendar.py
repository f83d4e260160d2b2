"""The calendar dialog of a date field: the day picked (Enter), or None (Escape)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from packweb_tui.domain.dates import long_day
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.widgets.calendar import MonthCalendar
from packweb_tui.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult

KEYS = (
    "[b]← →[/b] jour  [b]↑ ↓[/b] semaine  [b]Pg↑ Pg↓[/b] mois\n"
    "[b]Début[/b] aujourd'hui  [b]Entrée[/b] choisir\n"
    "[b]Échap[/b] annuler"
)


class CalendarScreen(ModalScreen["date | None"]):
    CSS_PATH = css_paths("decisions", "calendar")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler", id="calendar.cancel", tooltip="Fermer sans choisir"),
    ]

    def __init__(
        self, title: str, start: date, today: date, marked: Sequence[tuple[date, date]] = ()
    ) -> None:
        super().__init__(classes="decision", id="calendar")
        self._title = title
        self._calendar = MonthCalendar(start, today, marked, id="calendar-month")

    def compose(self) -> ComposeResult:
        with Vertical(classes="decision-dialog calendar-dialog"):
            yield Label(self._title, classes="decision-title")
            yield self._calendar
            yield Static(long_day(self._calendar.cursor), id="calendar-day", markup=False)
            yield Static(Content.from_markup(KEYS), classes="decision-keys")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._calendar.focus()
        self.watch(self._calendar, "cursor", self._moved, init=False)

    def _moved(self, day: date) -> None:
        self.query_one("#calendar-day", Static).update(long_day(day))

    @on(MonthCalendar.Picked)
    def _picked(self, event: MonthCalendar.Picked) -> None:
        event.stop()
        self.dismiss(event.day)

    def action_cancel(self) -> None:
        self.dismiss(None)
