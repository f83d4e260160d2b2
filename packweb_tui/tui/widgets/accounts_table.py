"""The accounts of the Identifiants pane, one line each: the tick, the state of the letter, the
login when the width allows it, the holder's name cut to fit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable

from packweb_tui.domain.states import CredentialsState
from packweb_tui.tui.widgets.widths import share, widest

if TYPE_CHECKING:
    from packweb_tui.services.letters import CredentialsRow

WITH_LOGIN_FROM = 56  # table width (cells) from which the login has its own column
SCROLLBAR = 2
LOGIN_TITLE = len("Identifiant ↑")
HOLDER_LEAST = 10

STATE_STYLES = {
    CredentialsState.TO_SEND: "bold",
    CredentialsState.FAILED: "bold red",
    CredentialsState.SENT: "green",
    CredentialsState.PRINTED: "cyan",
}


def cut(text: str, width: int) -> Text:
    """`text` in `width` cells at most, cut with an ellipsis."""
    shown = Text(text, no_wrap=True, overflow="ellipsis")
    shown.truncate(width, overflow="ellipsis")
    return shown


def tick_mark(checked: bool) -> Text:
    # A Text, not a str: the table reads a str as markup, where "[x]" is a tag (drawn blank).
    return Text("[x]" if checked else "[ ]")


def columns(rows: Sequence[CredentialsRow], width: int) -> tuple[int, int]:
    """The widths of the login's column (0: none, as in 80 columns, where the login is on
    the info line and in the letter) and of the holder's at `width`: as wide as their
    texts if there is room, else the cells that lack shared (each has 2 of padding)."""
    room = width - (3 + 2) - (9 + 2) - 2 - SCROLLBAR
    if width < WITH_LOGIN_FROM:
        return 0, max(room, HOLDER_LEAST)
    room -= 2  # the login column's padding
    wants = [widest(r.login for r in rows) - LOGIN_TITLE, widest(r.holder for r in rows)]
    extra = share(room - LOGIN_TITLE - HOLDER_LEAST, [wants[0], wants[1] - HOLDER_LEAST])
    login = LOGIN_TITLE + extra[0]
    return login, max(room - login, HOLDER_LEAST)  # the holder: the rest


class AccountsTable(DataTable[Text]):
    """Lines keyed by account id; `fill` builds the columns again for the width given."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.shape: tuple[int, int] | None = None  # the columns as built (see `columns`)

    def fill(
        self,
        rows: Sequence[CredentialsRow],
        checked: Collection[int],
        width: int,
        sort: tuple[str, bool] = ("state", False),
        follow: int | None = None,
    ) -> None:
        """List `rows`, the cursor on account `follow` if given and listed (a new password
        moves its account in the list), else kept on the same line number; the sorted
        column's title (`sort`: its key, reversed or not) with its arrow."""
        keep = self.cursor_row
        login, holder = self.shape = columns(rows, width)
        key, reverse = sort

        def title(text: str, column: str) -> str:
            return f"{text} {'↓' if reverse else '↑'}" if column == key else text

        self.clear(columns=True)
        self.add_column("", key="check", width=3)
        self.add_column(title("État", "state"), key="state", width=9)
        if login:
            self.add_column(title("Identifiant", "login"), key="login", width=login)
        self.add_column(title("Pour", "holder"), key="holder", width=holder)
        for row in rows:
            word, style = row.state.short_label, STATE_STYLES[row.state]
            name = cut(row.holder, holder)
            ticked = tick_mark(row.account_id in checked)
            cells: list[Text] = [ticked, Text(word, style=style)]
            if login:
                cells.append(cut(row.login, login))
            self.add_row(*cells, name, key=str(row.account_id))
        if rows:
            found = (i for i, row in enumerate(rows) if row.account_id == follow)
            self.move_cursor(row=next(found, min(keep, len(rows) - 1)))

    def tick(self, account_id: int, checked: bool) -> None:
        self.update_cell(str(account_id), "check", tick_mark(checked))
