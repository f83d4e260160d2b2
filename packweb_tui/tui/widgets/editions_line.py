"""The éditions of the establishment written lately, under the Identifiants pane's figures:
each with its path and what the print command answered. A path only in a toast is gone
before it is copied, and over SSH the PDF must be fetched from the server by that path."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Static

from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.wording import plural

if TYPE_CHECKING:
    from packweb_tui.services.editions import Edition
    from packweb_tui.store.database import Database

SHOWN = 3  # the latest éditions, newest first


def edition_line(edition: Edition) -> Content:
    """« Édition du 01/09/2026 14:03 (12 lettres) : /chemin.pdf — envoyée à l'imprimante… »"""
    line = Content(
        f"Édition du {format_instant(edition.at)} ({plural(edition.letters, 'lettre')}) : "
        f"{edition.path}"
    )
    if not edition.present:
        line += Content.styled(" (fichier supprimé)", "$text-warning")
    if edition.printer is not None:
        style = "" if edition.printer.ok else "$text-error"
        line += Content(" — ") + Content.styled(edition.printer.summary(), style)
    return line


class EditionsLine(Static):
    """Hidden until an édition of the establishment has been written."""

    DEFAULT_CSS = """
    EditionsLine {
        height: auto;
        max-height: 4;  /* the newest in full, even wrapped, at 80 columns */
        color: $text-muted;
    }
    """

    def on_mount(self) -> None:
        self.display = False

    def show(self, editions: Sequence[Edition]) -> None:
        self.update(Content("\n").join(edition_line(e) for e in editions))
        self.display = bool(editions)

    @work(group="editions", exclusive=True)
    async def load(self, db: Database, uai: str) -> None:
        """Read the latest éditions of `uai` again (after one is written, or another
        establishment is chosen); a failed read leaves the line as it was."""
        from packweb_tui.services.editions import recent_editions

        try:
            self.show(await recent_editions(db, uai, SHOWN))
        except Exception:  # only a reminder: the pane's own read says what is wrong
            return
