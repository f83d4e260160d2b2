"""The establishment's outbox: every email of every kind (credentials letters, refusals,
digests), its state and why its last try failed. From here, send what is due now, or try
again now what waits for a later try (the mail server mended)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.states import OutboxStatus
from packweb_tui.domain.wording import plural
from packweb_tui.services.errors import failure_words
from packweb_tui.tui.context import console_context
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.typeahead import holds_keys
from packweb_tui.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from packweb_tui.services.outbox.views import EstablishmentOutbox, OutboxView
    from packweb_tui.store.database import Database

STATE_STYLES = {
    OutboxStatus.QUEUED: "bold",
    OutboxStatus.FAILED: "bold red",
    OutboxStatus.SENT: "green",
    OutboxStatus.CANCELLED: "dim",
}
LATER = "à réessayer"  # queued, its next try planned later


class OutboxScreen(Screen[None]):
    """The outbox of establishment `uai`, read again after each sending."""

    CSS_PATH = css_paths("outbox")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "m",
            "send(False)",
            "Envoyer",
            id="outbox.send",
            tooltip="Envoyer maintenant les courriels en file",
        ),
        Binding(
            "r",
            "send(True)",
            "Réessayer",
            id="outbox.retry",
            tooltip="Envoyer aussi ceux à réessayer plus tard",
        ),
        Binding("escape", "back", "Retour", id="outbox.back", tooltip="Revenir à la console"),
    ]

    def __init__(self, db: Database, uai: str, name: str) -> None:
        super().__init__(id="outbox")
        self.db, self.uai, self.school = db, uai, name
        self.board: EstablishmentOutbox | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Label(f"Courriels de {self.uai} {self.school}", id="outbox-title")
        yield Static("Lecture…", id="outbox-counts")
        yield DataTable(id="outbox-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="outbox-info", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()

    # --- reading -----------------------------------------------------------------------------
    @holds_keys
    @work(group="outbox-read", exclusive=True)
    async def reload(self) -> None:
        from packweb_tui.services.outbox.views import establishment_outbox

        sender = console_context(self).config.smtp.sender
        try:
            board = await establishment_outbox(self.db, self.uai, sender)
        except Exception as error:
            self.query_one("#outbox-counts", Static).update(
                Content.from_markup("[$error]Lecture impossible : $e[/]", e=failure_words(error))
            )
            return
        self.board = board
        self._show(board)

    def _show(self, board: EstablishmentOutbox) -> None:
        parts = [
            Content.styled(f"{board.due} en file", "bold"),
            Content(f"{board.deferred} {LATER} plus tard") if board.deferred else None,
            Content.styled(f"{board.failed} en échec", "bold $text-error")
            if board.failed
            else None,
            Content(plural(board.sent, "envoyé")) if board.sent else None,
            Content(plural(board.cancelled, "annulé")) if board.cancelled else None,
        ]
        counts = Content(" · ").join(part for part in parts if part is not None)
        self.query_one("#outbox-counts", Static).update(counts)
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        table.add_column("N°", key="id", width=6)
        table.add_column("Genre", key="kind", width=13)
        table.add_column("État", key="state", width=11)
        table.add_column("Destinataire", key="to")
        for view in board.messages:
            table.add_row(
                Text(str(view.id), justify="right"),
                view.kind_label,
                Text(self._state(view), style=STATE_STYLES[view.status]),
                Text(view.to, no_wrap=True, overflow="ellipsis"),
                key=str(view.id),
            )
        if board.messages:
            table.move_cursor(row=min(keep, len(board.messages) - 1))
        self._show_info()
        self.refresh_bindings()

    def _state(self, view: OutboxView) -> str:
        board = self.board
        if board is not None and board.waiting_later(view):
            return LATER
        return view.status.label

    @on(DataTable.RowHighlighted)
    def _moved(self) -> None:
        self._show_info()

    def _show_info(self) -> None:
        """The message under the cursor: its subject, and what became of it or why not."""
        board, row = self.board, self.query_one(DataTable).cursor_row
        if board is None or not 0 <= row < len(board.messages):
            text = "Aucun courriel pour cet établissement." if board is not None else ""
            self.query_one("#outbox-info", Static).update(text)
            return
        view = board.messages[row]
        lines = [f"n° {view.id}, {view.kind_label} à {view.to} : {view.subject}"]
        if view.status is OutboxStatus.SENT and view.sent_at:
            lines.append(f"Envoyé le {format_instant(view.sent_at)}.")
        elif view.status is OutboxStatus.QUEUED:
            tries = f"{plural(view.attempts, 'essai')}, " if view.attempts else ""
            when = "dès le prochain envoi"
            if board.waiting_later(view):
                when = f"prochain essai le {format_instant(view.next_attempt_at)}"
            failure = f" — dernier échec : {view.last_error}" if view.last_error else ""
            lines.append(tries + when + failure)
        elif view.last_error:
            lines.append(f"{view.status.label.capitalize()} : {view.last_error}")
        self.query_one("#outbox-info", Static).update("\n".join(lines))

    # --- sending -----------------------------------------------------------------------------
    def _to_send(self, deferred: bool) -> list[OutboxView]:
        board = self.board
        if board is None:
            return []
        return [
            v
            for v in board.messages
            if v.status is OutboxStatus.QUEUED and (deferred or not board.waiting_later(v))
        ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "send":
            return True
        board = self.board
        if board is None or self.busy:
            return None
        if parameters == (True,):
            return board.deferred > 0 or None
        return board.due > 0 or None

    @holds_keys
    @work(group="outbox-send", exclusive=True)
    async def action_send(self, deferred: bool) -> None:
        """Confirm, send with a progress bar, sum up; the outbox read again."""
        from packweb_tui.services.outbox.delivery import deliver_outbox
        from packweb_tui.tui.screens.decisions import ConfirmScreen, ProgressScreen

        chosen = self._to_send(deferred)
        if not chosen or self.busy:
            return
        kinds = Counter(v.kind_label for v in chosen)
        question = Content(
            f"Envoyer {plural(len(chosen), 'courriel')} maintenant "
            f"({', '.join(f'{n} {kind}' for kind, n in kinds.items())}) ?\n\n"
            "Chaque lettre part avec son PDF ; une fois envoyée, son mot de passe n'est plus "
            "gardé." + ("\nCeux qui attendaient un nouvel essai partent aussi." if deferred else "")
        )
        if not await self.app.push_screen_wait(ConfirmScreen("Envoyer", question, True)):
            return
        progress = ProgressScreen("Envoi des courriels…", len(chosen))
        await self.app.push_screen(progress)
        self.busy = True
        self.refresh_bindings()
        context = console_context(self)
        try:
            report = await deliver_outbox(
                self.db, context.config, operator=context.operator,
                progress=progress.advance, deferred=deferred, uai=self.uai,
            )  # fmt: skip
        except Exception as error:
            self.notify(failure_words(error), title="Impossible", severity="error", markup=False)
            return
        finally:
            self.busy = False
            progress.dismiss()
            self.reload()
        self.notify(
            "\n".join(report.summary_lines()),
            title="Envoi",
            severity="error" if report.error or report.failed else "information",
            markup=False,
        )

    def action_back(self) -> None:
        self.dismiss(None)
