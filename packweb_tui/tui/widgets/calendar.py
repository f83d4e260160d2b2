"""A month calendar worked with the keyboard alone: arrows move by day and week, page up and
down by month, Home back to today, Enter picks. French month and day names, weeks from
Monday; today underlined, days of existing closures marked, days gone by dimmed."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content, Span
from textual.message import Message
from textual.reactive import reactive
from textual.style import Style
from textual.widget import Widget

from packweb_tui.domain.dates import FIRST_YEAR, LAST_YEAR, MONTHS

FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
DAY_HEADERS = ("lu", "ma", "me", "je", "ve", "sa", "di")
CELL = 4  # columns a day takes: " 19 "
WIDTH = CELL * 7


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), the last of the month when the
    month is shorter; kept within the years the calendar knows."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    if year < FIRST_YEAR:
        return FIRST_DAY
    if year > LAST_YEAR:
        return LAST_DAY
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_title(day: date) -> str:
    """``décembre 2026``."""
    return f"{MONTHS[day.month - 1]} {day.year}"


class MonthCalendar(Widget, can_focus=True):
    DEFAULT_CSS = """
    MonthCalendar {
        width: auto;
        height: auto;
    }
    MonthCalendar > .month-calendar--title {
        text-style: bold;
    }
    MonthCalendar > .month-calendar--header {
        color: $text-muted;
    }
    MonthCalendar > .month-calendar--past {
        color: $text-muted;
    }
    MonthCalendar > .month-calendar--marked {
        color: $text-warning;
        text-style: bold;
    }
    MonthCalendar > .month-calendar--today {
        text-style: underline;
    }
    MonthCalendar > .month-calendar--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    /* NO_COLOR: the cursor must still stand out without its colour. */
    MonthCalendar:nocolor > .month-calendar--cursor {
        text-style: bold reverse;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "month-calendar--title",
        "month-calendar--header",
        "month-calendar--cursor",
        "month-calendar--today",
        "month-calendar--marked",
        "month-calendar--past",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Veille", id="calendar.previous_day", show=False),
        Binding("right", "move(1)", "Lendemain", id="calendar.next_day", show=False),
        Binding("up", "move(-7)", "Semaine préc.", id="calendar.previous_week", show=False),
        Binding("down", "move(7)", "Semaine suiv.", id="calendar.next_week", show=False),
        Binding(
            "pageup", "month(-1)", "Mois préc.", id="calendar.previous_month", key_display="Pg↑"
        ),
        Binding("pagedown", "month(1)", "Mois suiv.", id="calendar.next_month", key_display="Pg↓"),
        Binding(
            "home", "today", "Aujourd'hui", id="calendar.today", tooltip="Revenir à aujourd'hui"
        ),
        Binding(
            "enter",
            "pick",
            "Choisir",
            id="calendar.pick",
            tooltip="Choisir le jour sous le curseur",
        ),
    ]

    cursor: reactive[date] = reactive(date(2000, 1, 1))

    class Picked(Message):
        """The operator chose `day` (Enter)."""

        def __init__(self, calendar: MonthCalendar, day: date) -> None:
            super().__init__()
            self.calendar = calendar
            self.day = day

    def __init__(
        self,
        start: date,
        today: date,
        marked: Sequence[tuple[date, date]] = (),
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.today = today
        self.marked = list(marked)  # (first, last) days of existing closures
        self.set_reactive(MonthCalendar.cursor, min(max(start, FIRST_DAY), LAST_DAY))

    def get_content_width(self, container: object, viewport: object) -> int:
        return WIDTH

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 8  # the title, the days' names, six weeks at most

    def action_move(self, days: int) -> None:
        self.cursor = min(max(self.cursor + timedelta(days=days), FIRST_DAY), LAST_DAY)

    def action_month(self, months: int) -> None:
        self.cursor = add_months(self.cursor, months)

    def action_today(self) -> None:
        self.cursor = self.today

    def action_pick(self) -> None:
        self.post_message(self.Picked(self, self.cursor))

    def _is_marked(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.marked)

    def _style(self, component: str) -> Style:
        return self.get_visual_style(f"month-calendar--{component}", partial=True)

    def render(self) -> Content:
        cursor = self.cursor
        title = month_title(cursor)
        lines = [
            Content.styled(title.center(WIDTH), self._style("title")),
            Content.styled(
                "".join(name.rjust(CELL - 1) + " " for name in DAY_HEADERS), self._style("header")
            ),
        ]
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(cursor.year, cursor.month)
        for week in weeks:
            text = ""
            spans: list[Span] = []
            for day in week:
                start = len(text)
                if day.month != cursor.month:
                    text += " " * CELL
                    continue
                text += f" {day.day:>2} "
                for component, applies in (
                    ("past", day < self.today),
                    ("marked", self._is_marked(day)),
                    ("today", day == self.today),
                    ("cursor", day == cursor),
                ):
                    if applies:
                        spans.append(Span(start, start + CELL, self._style(component)))
            lines.append(Content(text, spans))
        while len(lines) < 8:
            lines.append(Content(" " * WIDTH))
        return Content("\n").join(lines)
