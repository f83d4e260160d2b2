"""What every tab's pane has: the establishment at work, read through the services in a
worker (the screen never waits on the store), then shown; and, for a pane of figures, a line
on what it is for above them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from textual import work
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from packweb_tui.services.errors import failure_words
from packweb_tui.tui.context import ConsoleContext, console_context

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from packweb_tui.store.database import Database

OPENING = "Ouverture de la base…"

Found = TypeVar("Found")


def no_establishment(context: ConsoleContext) -> Content:
    """What a pane shows while no establishment is registered."""
    return Content.from_markup(
        "Aucun établissement n'est enregistré sur ce serveur.\n\n"
        "Ajoutez-en un depuis un terminal :\n\n"
        "    [b]packweb establishments add UAI NOM[/b]\n\n"
        "puis choisissez-le ici avec [b]$key[/b].",
        key=context.key("establishment.switch"),
    )


class StorePane(VerticalScroll, Generic[Found]):
    """A tab's pane over the store: `show` an establishment, and what `read` finds for it
    is given to `apply`, unless another establishment was chosen meanwhile. Its figures go
    in its `.pane-figures`, where a failed read says so."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db: Database | None = None
        self.uai: str | None = None
        self.busy = False  # a change is being written: the keys that write wait for it

    @property
    def context(self) -> ConsoleContext:
        return console_context(self)

    def show(self, db: Database | None, uai: str | None) -> None:
        """Show establishment `uai` (None: there is none yet); `db` is None while the store
        is being opened."""
        self.db, self.uai = db, uai
        if db is None:
            self._update(Content(OPENING))
        elif uai is None:
            self.show_none()
            self._update(no_establishment(self.context))
        else:
            self._read(db, uai)

    def reload(self) -> None:
        """Read the establishment again (after a change: the store is the truth)."""
        self.show(self.db, self.uai)

    # exclusive: a quick change of establishment cancels the read still under way; made by
    # @work, which starts the coroutine itself (none is left unawaited if replaced first).
    @work(group="figures", exclusive=True)
    async def _read(self, db: Database, uai: str) -> None:
        try:
            found = await self.read(db, uai)
        except Exception as error:  # a failed read is shown in the pane, never a traceback
            self._update(read_failure(error))
            return
        if uai == self.uai:  # else another establishment was chosen meanwhile
            self.apply(found)

    async def read(self, db: Database, uai: str) -> Found:
        raise NotImplementedError

    def apply(self, found: Found) -> None:
        raise NotImplementedError

    def show_none(self) -> None:
        """No establishment: hide what showed the last one."""

    def focus_table(self) -> None:
        """Give the focus to what the pane's keys act on (a pane of figures has nothing)."""

    def _update(self, content: Content) -> None:
        self.query_one(".pane-figures", Static).update(content)

    def _failed(self, error: Exception) -> None:
        """An action that could not be done, in a notification (never a traceback)."""
        self.notify(failure_words(error), title="Impossible", severity="error", markup=False)


class FiguresPane(StorePane[Content]):
    """A pane of figures: its DESCRIPTION, then what `read` renders."""

    DESCRIPTION: ClassVar[str] = ""

    def compose(self) -> ComposeResult:
        yield Static(self.DESCRIPTION, classes="pane-description")
        yield Static(OPENING, classes="pane-figures")

    def apply(self, found: Content) -> None:
        self._update(found)


def read_failure(error: Exception) -> Content:
    """What a pane shows in place of its figures when its read failed."""
    return Content.from_markup(
        "[$error]Lecture impossible : $detail[/]", detail=failure_words(error)
    )
