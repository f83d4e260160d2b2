"""The accounts of the Identifiants pane, one line each: the tick, the state of the letter, the
login when the width allows it, the holder's name cut to fit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable

from packweb_tui.domain.states import CredentialsState

if TYPE_CHECKING:
    from packweb_tui.services.letters import CredentialsRow

WITH_LOGIN_FROM = 56  # table width (cells) from which the login has its own column
SCROLLBAR = 2

STATE_STYLES = {
    CredentialsState.TO_SEND: "bold",
    CredentialsState.FAILED: "bold red",
    CredentialsState.SENT: "green",
    CredentialsState.PRINTED: "cyan",
}


def tick_mark(checked: bool) -> Text:
    # A Text, not a str: the table reads a str as markup, where "[x]" is a tag (drawn blank).
    return Text("[x]" if checked else "[ ]")


def columns(rows: Sequence[CredentialsRow], width: int) -> tuple[bool, int]:
    """Whether the login has a column at `width` (not in 80 columns: it is on the info line
    and in the letter), and the width left for the holder's name."""
    with_login = width >= WITH_LOGIN_FROM
    login = min(max((len(r.login) for r in rows), default=11), 20) if with_login else 0
    used = (3 + 2) + (9 + 2) + ((login + 2) if with_login else 0) + 2 + SCROLLBAR
    return with_login, max(width - used, 10)


class AccountsTable(DataTable[Text]):
    """Lines keyed by account id; `fill` builds the columns again for the width given."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.shape: tuple[bool, int] | None = None  # the columns as built (see `columns`)

    def fill(
        self,
        rows: Sequence[CredentialsRow],
        checked: Collection[int],
        width: int,
        follow: int | None = None,
    ) -> None:
        """List `rows`, the cursor on account `follow` if given and listed (a new password
        moves its account in the list), else kept on the same line number."""
        keep = self.cursor_row
        with_login, holder = self.shape = columns(rows, width)
        self.clear(columns=True)
        self.add_column("", key="check", width=3)
        self.add_column("État", key="state", width=9)
        if with_login:
            self.add_column("Identifiant", key="login")
        self.add_column("Pour", key="holder", width=holder)
        for row in rows:
            word, style = row.state.short_label, STATE_STYLES[row.state]
            name = Text(row.holder, no_wrap=True, overflow="ellipsis")
            name.truncate(holder, overflow="ellipsis")
            ticked = tick_mark(row.account_id in checked)
            cells = [ticked, Text(word, style=style)]
            if with_login:
                cells.append(Text(row.login))
            self.add_row(*cells, name, key=str(row.account_id))
        if rows:
            found = (i for i, row in enumerate(rows) if row.account_id == follow)
            self.move_cursor(row=next(found, min(keep, len(rows) - 1)))

    def tick(self, account_id: int, checked: bool) -> None:
        self.update_cell(str(account_id), "check", tick_mark(checked))
