"""Textual's command palette, saying "no match" in French."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

NO_MATCH = "Aucune commande ne correspond"


class Palette(CommandPalette):
    def _start_no_matches_countdown(self, search_value: str) -> None:
        # As Textual's own (textual 8), with our words: it has no setting for them.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(NO_MATCH, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
