"""The letter under the cursor of the Identifiants pane, as it will read: the path of its PDF
first, and before it what the letter lacks (a logo not found, characters the font has not)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.widgets import Static

from packweb_tui.services.errors import failure_words
from packweb_tui.tui.context import console_context

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from packweb_tui.services.letters import LetterPreview


READING = "Lecture de la lettre…"


class LetterPanel(VerticalScroll):
    """Shows one letter (`show_letter`), or says why there is none to show."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.letter_id: int | None = None  # the letter shown, if one is

    def compose(self) -> ComposeResult:
        yield Static("", id="credentials-letter", markup=False)

    def _say(self, text: str, letter_id: int | None = None) -> None:
        self.letter_id = letter_id
        self.query_one("#credentials-letter", Static).update(text)

    def show_reading(self, letter_id: int) -> None:
        """Letter `letter_id` is being read: what the panel shows stays only if it is that
        letter (read again); anything else would describe another account meanwhile."""
        if self.letter_id != letter_id:
            self._say(READING)

    def clear(self) -> None:
        self._say("")

    def show_delivered(self) -> None:
        self._say(
            "Identifiants remis : le mot de passe initial n'est plus gardé. Pour en "
            f"donner un nouveau : touche {console_context(self).key('credentials.reset')}."
        )

    def show_failure(self, error: Exception) -> None:
        self._say(f"Lecture impossible : {failure_words(error)}")

    def show_letter(self, preview: LetterPreview) -> None:
        text = preview.text or "Cette lettre a déjà été remise."
        if preview.pdf_path is not None:
            text = f"PDF : {preview.pdf_path}\n\n{text}"
        if preview.logo_missing is not None:
            text = (
                f"Attention : logo introuvable ({preview.logo_missing}, [letters.logos] de la "
                f"configuration) : la lettre part sans.\n\n{text}"
            )
        if preview.unprintable:
            text = (
                f"Attention : la police des lettres n'a pas ces caractères, absents du PDF : "
                f"{' '.join(preview.unprintable)}. Le courriel, lui, les montre.\n\n{text}"
            )
        self._say(text, preview.letter_id)
