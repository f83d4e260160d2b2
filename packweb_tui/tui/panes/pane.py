"""What every tab's pane has: a line on what it is for, then live figures of the current
establishment, read through the services in a worker (the screen never waits on the store)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from packweb_tui.services.errors import first_line

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from packweb_tui.store.database import Database

OPENING = "Ouverture de la base…"
NO_ESTABLISHMENT = (
    "Aucun établissement n'est enregistré sur ce serveur.\n\n"
    "Ajoutez-en un depuis un terminal :\n\n"
    "    [b]packweb establishments add UAI NOM[/b]\n\n"
    "puis choisissez-le ici avec [b]Ctrl+E[/b]."
)


class OverviewPane(VerticalScroll):
    """A pane: its DESCRIPTION, then what `figures` reads for the establishment shown."""

    DESCRIPTION: ClassVar[str] = ""

    def compose(self) -> ComposeResult:
        yield Static(self.DESCRIPTION, classes="pane-description")
        yield Static(OPENING, classes="pane-figures")

    def show(self, db: Database | None, uai: str | None) -> None:
        """Show the figures of establishment `uai` (None: there is none yet); `db` is None
        while the store is being opened."""
        if db is None:
            self._update(Content(OPENING))
        elif uai is None:
            self._update(Content.from_markup(NO_ESTABLISHMENT))
        else:
            self._load(db, uai)

    # exclusive: a quick change of establishment cancels the read still under way; made by
    # @work, which starts the coroutine itself (none is left unawaited if replaced first).
    @work(group="figures", exclusive=True)
    async def _load(self, db: Database, uai: str) -> None:
        try:
            content = await self.figures(db, uai)
        except Exception as error:  # a failed read is shown in the pane, never a traceback
            content = read_failure(error)
        self._update(content)

    def focus_table(self) -> None:
        """Give the focus to what the pane's keys act on (a pane of figures has nothing)."""

    async def figures(self, db: Database, uai: str) -> Content:
        raise NotImplementedError

    def _update(self, content: Content) -> None:
        self.query_one(".pane-figures", Static).update(content)

    def _failed(self, error: Exception) -> None:
        """An action that could not be done, in a notification (never a traceback)."""
        self.notify(first_line(error), title="Impossible", severity="error", markup=False)


def read_failure(error: Exception) -> Content:
    """What a pane shows in place of its figures when its read failed."""
    return Content.from_markup("[$error]Lecture impossible : $detail[/]", detail=first_line(error))


def table(rows: Sequence[tuple[str, str, str]], label_width: int, indent: int = 2) -> Content:
    """Aligned lines of (label, figure, note): labels padded, figures right-aligned. The note
    may hold markup; label and figure are plain text."""
    figure_width = max((len(figure) for _, figure, _ in rows), default=0)
    lines = [
        Content(" " * indent + label.ljust(label_width) + figure.rjust(figure_width))
        + (Content("   ") + Content.from_markup(note) if note else Content(""))
        for label, figure, note in rows
    ]
    return Content("\n").join(lines)
