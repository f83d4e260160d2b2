"""The question asked before unsaved changes are left behind: save them, drop them, or stay."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from packweb_tui.tui.context import console_context
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.keys import legend
from packweb_tui.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult

Answer = Literal["save", "discard", "stay"]


class UnsavedScreen(ModalScreen[Answer]):
    CSS_PATH = css_paths("decisions")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "answer('save')",
            "Enregistrer",
            id="unsaved.save",
            tooltip="Enregistrer les modifications, puis continuer",
            priority=True,
        ),
        Binding(
            "n",
            "answer('discard')",
            "Ne pas enregistrer",
            id="unsaved.discard",
            tooltip="Abandonner les modifications, puis continuer",
        ),
        Binding(
            "escape",
            "answer('stay')",
            "Rester",
            id="unsaved.stay",
            tooltip="Revenir aux modifications, sans rien perdre",
        ),
    ]

    def __init__(self, body: Content) -> None:
        super().__init__(classes="decision", id="unsaved")
        self._body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="decision-dialog"):
            yield Label("Modifications non enregistrées", classes="decision-title")
            yield Static(self._body, classes="decision-body")
            keys_of = console_context(self).keys
            yield Static(
                legend(
                    (keys_of("unsaved.save"), "Enregistrer"),
                    (keys_of("unsaved.discard"), "Ne pas enregistrer"),
                    (keys_of("unsaved.stay"), "Rester"),
                ),
                classes="decision-keys",
            )
        yield KeyFooter()

    def action_answer(self, answer: Answer) -> None:
        self.dismiss(answer)
