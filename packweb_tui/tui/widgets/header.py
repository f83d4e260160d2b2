"""The top line: the console's name, the establishment at work, the operator."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Label


class ConsoleHeader(HorizontalGroup):
    """``PackWeb Console │ 0750655E Lycée Victor-Hugo │ agent``; the name of the establishment
    is cut with an ellipsis before anything else is (styles/header.tcss)."""

    def __init__(self, operator: str, demo: bool = False, establishment: str = "…") -> None:
        super().__init__(id="header")
        self._operator = f"{operator} · démo" if demo else operator
        self._establishment = establishment

    def compose(self) -> ComposeResult:
        yield Label("PackWeb Console", id="header-brand")
        yield Label(self._establishment, id="header-establishment", markup=False)
        yield Label(self._operator, id="header-operator", markup=False)

    def show_establishment(self, text: str) -> None:
        self.query_one("#header-establishment", Label).update(text)
