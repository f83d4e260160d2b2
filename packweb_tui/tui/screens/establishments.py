"""The establishment switcher: type to filter, Enter picks, Escape goes back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from packweb_tui.domain.names import fold_name
from packweb_tui.tui.context import console_context
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.panes.pane import no_establishment
from packweb_tui.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from packweb_tui.services.establishments import EstablishmentView

NAME_WIDTH = 40  # the UAI, the name and the count fit at 80 columns, scroll bar included
NO_MATCH = "no-match"


def matches(establishment: EstablishmentView, words: Sequence[str]) -> bool:
    """Every word typed is in the UAI or the name, accents and case aside."""
    haystack = f"{establishment.uai.casefold()} {fold_name(establishment.name)}"
    return all(word in haystack for word in words)


def option_prompt(establishment: EstablishmentView, current: bool) -> Content:
    name = establishment.name
    if len(name) > NAME_WIDTH:
        name = name[: NAME_WIDTH - 1] + "…"
    pending = establishment.pending_requests
    count = f"{pending} en attente" if pending else "aucune demande"
    marker = "●" if current else " "
    return Content.assemble(
        (f"{marker} ", "$accent"),
        (establishment.uai, "bold"),
        f"  {name.ljust(NAME_WIDTH)}  ",
        (count.rjust(14), "bold $warning" if pending else "$text-muted"),
    )


class EstablishmentsScreen(ModalScreen["EstablishmentView | None"]):
    CSS_PATH = css_paths("establishments")
    # The filter keeps the focus: arrows and Enter act on the list from there.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "pick",
            "Choisir",
            id="establishments.pick",
            tooltip="Travailler sur l'établissement en surbrillance",
            priority=True,
        ),
        Binding(
            "escape",
            "cancel",
            "Annuler",
            id="establishments.cancel",
            tooltip="Fermer sans changer d'établissement",
        ),
        Binding("down", "move('cursor_down')", "Suivant", id="establishments.next", show=False),
        Binding("up", "move('cursor_up')", "Précédent", id="establishments.previous", show=False),
        Binding(
            "pagedown",
            "move('page_down')",
            "Page suivante",
            id="establishments.page_down",
            show=False,
        ),
        Binding(
            "pageup", "move('page_up')", "Page précédente", id="establishments.page_up", show=False
        ),
        Binding(
            "f1", "app.help", "Aide", id="establishments.help", tooltip="Les touches de cette liste"
        ),
    ]

    def __init__(self, establishments: Sequence[EstablishmentView], current: str | None) -> None:
        super().__init__(id="establishments")
        self._establishments = list(establishments)
        self._current = current
        self._shown: list[EstablishmentView] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="establishments-dialog"):
            yield Label("Choisir l'établissement", id="establishments-title")
            yield Input(
                placeholder="Filtrer : UAI ou nom…", id="establishments-filter", compact=True
            )
            yield OptionList(id="establishments-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.can_focus = False  # the filter keeps the focus
        if not self._establishments:
            self.query_one(Input).display = False
            options.add_option(Option(no_establishment(console_context(self)), disabled=True))
            return
        self._fill("")
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, text: str) -> None:
        words = fold_name(text).split()
        self._shown = [e for e in self._establishments if matches(e, words)]
        options = self.query_one(OptionList)
        options.clear_options()
        if not self._shown:
            options.add_option(Option("Aucun établissement ne correspond.", NO_MATCH, True))
            return
        options.add_options(option_prompt(e, e.uai == self._current) for e in self._shown)
        uais = [e.uai for e in self._shown]
        options.highlighted = uais.index(self._current) if self._current in uais else 0

    def action_move(self, action: str) -> None:
        options = self.query_one(OptionList)
        if self._shown:
            getattr(options, f"action_{action}")()

    def action_pick(self) -> None:
        index = self.query_one(OptionList).highlighted
        if self._shown and index is not None:
            self.dismiss(self._shown[index])
        elif not self._establishments:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if self._shown and event.option_id != NO_MATCH:
            self.dismiss(self._shown[event.option_index])
