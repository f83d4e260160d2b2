"""A day typed JJ/MM/AAAA through a mask, or picked from a calendar (↓)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

from packweb_tui.domain.dates import format_day, parse_day
from packweb_tui.domain.errors import InputError

SEPARATORS = "/.- "


def masked(value: str, typed: str) -> str | None:
    """`value` once the character `typed` is added at its end, under the mask JJ/MM/AAAA:
    the slashes come by themselves after the day and the month, a slash typed after one
    digit pads it (``5/`` → ``05/``). None when the character does not fit."""
    parts = value.split("/")
    last = parts[-1]
    if typed in SEPARATORS:
        if len(parts) < 3 and len(last) == 1:
            return value[:-1] + "0" + last + "/"
        if len(parts) < 3 and len(last) == 2:
            return value + "/"
        return None
    if not ("0" <= typed <= "9"):
        return None
    if len(parts) >= 3:
        return value + typed if len(last) < 4 else None
    if len(last) >= 2:  # the slash was erased: it comes back
        value, last = value + "/", ""
        parts.append("")
    value += typed
    if len(parts) < 3 and len(last) + 1 == 2:
        value += "/"
    return value


class DateField(Input):
    """An Input for a day: digits only, slashes put in by the mask; ↓ opens the calendar
    (on the day typed, else on `fallback()`, else on today)."""

    DEFAULT_CSS = """
    DateField {
        width: 12;
        background: $boost;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "down",
            "calendar",
            "Calendrier",
            id="date.calendar",
            tooltip="Choisir le jour dans un calendrier",
        ),
    ]

    def __init__(
        self,
        today: date,
        title: str,
        value: str = "",
        marked: Sequence[tuple[date, date]] = (),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            value=value,
            placeholder="JJ/MM/AAAA",
            restrict=r"[0-9/]*",
            max_length=10,
            compact=True,
            id=id,
            classes=classes,
        )
        self.today = today
        self.calendar_title = title
        self.marked = list(marked)
        self.fallback: date | None = None

    @property
    def day(self) -> date | None:
        """The day typed, None while it is not a valid one."""
        try:
            return parse_day(self.value)
        except InputError:
            return None

    def replace(self, text: str, start: int, end: int) -> None:
        # Every change of the text comes here: typed, pasted, over a selection, erased.
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        if len(text) > 1:  # pasted: a whole date, in any format parse_day reads
            try:
                text = format_day(parse_day(text))
            except InputError:
                self.restricted()
                return
            self.value = text
            self.cursor_position = len(text)
            return
        if text and end == len(value):  # typed at the end: the mask puts in the slashes
            new = masked(value[:start], text)
            if new is None or len(new) > 10:
                self.restricted()
                return
            self.value = new
            self.cursor_position = len(new)
            return
        if text and not (text.isascii() and (text.isdigit() or text == "/")):
            self.restricted()
            return
        super().replace(text, start, end)

    def restricted(self) -> None:
        """No bell: over SSH it rings on the operator's own machine."""

    def action_calendar(self) -> None:
        from packweb_tui.tui.screens.calendar import CalendarScreen

        start = self.day or self.fallback or self.today
        self.app.push_screen(
            CalendarScreen(self.calendar_title, start, self.today, self.marked), self._picked
        )

    def _picked(self, day: date | None) -> None:
        if day is not None:
            self.value = format_day(day)
        self.focus()
        # Back from the calendar: the cursor after the day, nothing selected (a key typed
        # next must not replace the whole date).
        self.call_after_refresh(self._cursor_to_end)

    def _cursor_to_end(self) -> None:
        self.cursor_position = len(self.value)
