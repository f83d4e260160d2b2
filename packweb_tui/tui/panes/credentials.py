"""Identifiants: the portal accounts and the delivery of their credentials letters, like the
guide's édition screen: the accounts on the left (ticked lines), the letter under the cursor
on the right, as it will read, with the path of its PDF. Actions on the ticked lines (or the
line under the cursor): send by email, print the édition, a new password, the account."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import DataTable, Static, TabbedContent

from packweb_tui.domain.dates import PARIS, format_instant
from packweb_tui.domain.names import fold_name
from packweb_tui.domain.states import CredentialsState
from packweb_tui.domain.wording import plural
from packweb_tui.tui.panes.pane import OPENING, StorePane
from packweb_tui.tui.typeahead import holds_keys
from packweb_tui.tui.widgets.accounts_rows import Folded, fold_rows, matching, next_sort, ordered
from packweb_tui.tui.widgets.accounts_table import AccountsTable, columns
from packweb_tui.tui.widgets.editions_line import EditionsLine
from packweb_tui.tui.widgets.filter_bar import FilterBar
from packweb_tui.tui.widgets.letter_panel import LetterPanel

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from packweb_tui.services.letters import CredentialsRow
    from packweb_tui.store.database import Database


class CredentialsPane(StorePane["Sequence[CredentialsRow]"]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick", "Cocher", id="credentials.toggle"),
        Binding("a", "check_all", "Tout", id="credentials.check_all", show=False,
                tooltip="Cocher toutes les lettres à envoyer ou en échec"),
        Binding("n", "check_none", "Aucune", id="credentials.check_none", show=False,
                tooltip="Décocher toutes les lignes"),
        Binding("m", "send", "Courriel", id="credentials.send",
                tooltip="Envoyer par courriel les lettres cochées"),
        Binding("i", "print", "Imprimer", id="credentials.print",
                tooltip="Écrire l'édition PDF des lettres cochées (ou de toutes à remettre)"),
        Binding("r", "reset", "Nouveau mot de passe", id="credentials.reset",
                tooltip="Nouveau mot de passe initial pour le compte sous le curseur"),
        Binding("enter", "open", "Compte", id="credentials.open",
                tooltip="Le compte sous le curseur"),
        Binding("slash", "filter", "Filtrer", id="credentials.filter",
                tooltip="Filtrer en tapant : nom, identifiant, courriel, état"),
        Binding("escape", "clear_filter", "Sans filtre", id="credentials.clear_filter",
                tooltip="Effacer le filtre"),
        Binding("t", "next_sort", "Trier", id="credentials.sort", show=False,
                tooltip="Trier par la colonne suivante"),
        Binding("d", "reverse_sort", "Sens", id="credentials.reverse", show=False,
                tooltip="Inverser le sens du tri (croissant, décroissant)"),
    ]  # fmt: skip

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.all_rows: list[CredentialsRow] = []  # every account read
        self.rows: list[CredentialsRow] = []  # those the filter lets through, as listed
        self._folded: dict[int, Folded] = {}  # account id → its texts folded, for the filter
        self.checked: set[int] = set()  # account ids
        self.sort_key = "state"  # as the store lists them: to deliver first
        self.sort_reverse = False
        self._follow: int | None = None  # the account the cursor goes to when next listed

    def compose(self) -> ComposeResult:
        yield Static(OPENING, classes="pane-figures", id="credentials-counts")
        yield EditionsLine(id="credentials-editions")
        yield FilterBar(
            "Filtrer : nom, identifiant, courriel, état…",
            self._filter_typed,
            id="credentials-filter",
        )
        with Horizontal(id="credentials-body"):
            yield AccountsTable(id="credentials-table")
            yield LetterPanel(id="credentials-preview")
        yield Static("", id="credentials-info", markup=False)

    def on_mount(self) -> None:
        self.query_one("#credentials-body").display = False

    # --- columns that fit the width ------------------------------------------------------------
    def _table_width(self) -> int:
        """The table's width; before its first layout, its share of the pane's."""
        return self.query_one(AccountsTable).size.width or max(self.size.width * 3 // 5, 40)

    def _refits(self) -> bool:
        """Whether the columns as built no longer fit the table's width."""
        shape = self.query_one(AccountsTable).shape
        return bool(self.rows) and columns(self.rows, self._table_width()) != shape

    def on_resize(self) -> None:
        if self._refits():
            self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        if self._refits():
            self._show_rows(self.rows)

    # --- reading -----------------------------------------------------------------------------
    def show_none(self) -> None:
        self.query_one("#credentials-body").display = False
        self.query_one(EditionsLine).show(())

    async def read(self, db: Database, uai: str) -> Sequence[CredentialsRow]:
        from packweb_tui.services.letters import credentials_rows

        return await credentials_rows(db, uai)

    def apply(self, rows: Sequence[CredentialsRow]) -> None:
        self.all_rows = list(rows)
        self._folded = fold_rows(rows)  # once, not per key
        self.checked &= {r.account_id for r in rows}
        self._show_rows(self._filtered())
        if self.db is not None and self.uai is not None:
            self.query_one(EditionsLine).load(self.db, self.uai)

    def _show_rows(self, rows: Sequence[CredentialsRow]) -> None:
        self.rows = list(rows)
        sort = (self.sort_key, self.sort_reverse)
        follow, self._follow = self._follow, None
        self.query_one(AccountsTable).fill(rows, self.checked, self._table_width(), sort, follow)
        self.query_one("#credentials-body").display = bool(self.all_rows)
        filtering = self.screen.focused is self.query_one("#credentials-filter")
        if rows and not filtering and self.screen.query_one(TabbedContent).active == "credentials":
            self.focus_table()
        self._show_counts()
        self.call_after_refresh(self._preview)  # once the table has its new cursor

    def focus_table(self) -> None:
        if self.query_one("#credentials-body").display:
            self.query_one(AccountsTable).focus()

    def _show_counts(self) -> None:
        if not self.all_rows:
            self._update(
                Content.from_markup(
                    "[b]Aucun compte sur le portail.[/b]\n\nLes comptes viennent des demandes "
                    "acceptées (onglet Demandes, touche [b]$key[/b]).",
                    key=self.context.key("requests.approve"),
                )
            )
            return
        every = self.all_rows
        waiting = sum(1 for r in every if r.undelivered)
        failed = sum(1 for r in every if r.state.value == "failed")
        text = f"[b]{plural(len(every), 'compte')}[/b], {plural(waiting, 'lettre')} à remettre"
        if failed:
            text += f", dont [b $error]{failed} en échec[/]"
        if self._words:
            text += f" · filtre : {plural(len(self.rows), 'ligne')}"
        self._update(Content.from_markup(text))
        self._show_info()

    def _show_info(self) -> None:
        row = self.current
        parts = [plural(len(self.checked), "cochée")]
        if row is not None:
            match row.state.value:
                case "sent":
                    parts.append(
                        f"{row.login} : envoyé le {format_instant(row.delivered_at)} à {row.email}"
                        if row.delivered_at
                        else f"{row.login} : envoyé à {row.email}"
                    )
                case "printed":
                    when = format_instant(row.delivered_at) if row.delivered_at else "?"
                    parts.append(f"{row.login} : imprimé le {when}")
                case "failed":
                    parts.append(f"{row.login} : échec — {row.error or 'raison inconnue'}")
                case _:
                    line = f"{row.login} : lettre à envoyer à {row.email}"
                    # Waiting for another try (server busy or unreachable): say why.
                    parts.append(f"{line} — dernier essai : {row.error}" if row.error else line)
        self.query_one("#credentials-info", Static).update(" · ".join(parts), layout=False)

    @property
    def current(self) -> CredentialsRow | None:
        table = self.query_one(AccountsTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    # --- filtering -----------------------------------------------------------------------------
    @property
    def _words(self) -> list[str]:
        return fold_name(self.query_one(FilterBar).value).split()

    def _filtered(self) -> list[CredentialsRow]:
        """The accounts whose login, holder, email or state hold every word typed (accents
        and case aside), in the order chosen."""
        rows = matching(self.all_rows, self._folded, self.query_one(FilterBar).value)
        return ordered(rows, self._folded, self.sort_key, self.sort_reverse)

    def _filter_typed(self, text: str) -> None:
        if self.db is not None and self.all_rows:
            self._show_rows(self._filtered())

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def on_key(self, event: events.Key) -> None:
        self.query_one(FilterBar).take_key(event, self.action_filter if self.all_rows else None)

    @on(FilterBar.Done)
    def _filter_done(self) -> None:
        self.focus_table()

    def action_clear_filter(self) -> None:
        self.query_one(FilterBar).close()
        self.focus_table()

    # --- sorting -------------------------------------------------------------------------------
    def action_next_sort(self) -> None:
        shape = self.query_one(AccountsTable).shape  # (the login column's width, …), once filled
        self._sort_by(next_sort(self.sort_key, bool(shape and shape[0])), False)

    def action_reverse_sort(self) -> None:
        self._sort_by(self.sort_key, not self.sort_reverse)

    def _sort_by(self, key: str, reverse: bool) -> None:
        """Sort again, the cursor kept on its account."""
        if (current := self.current) is not None:
            self._follow = current.account_id
        self.sort_key, self.sort_reverse = key, reverse
        self._show_rows(self._filtered())

    # --- the letter on the right --------------------------------------------------------------
    @on(DataTable.RowHighlighted)
    def _moved(self) -> None:
        self._show_info()
        self._preview()

    def _preview(self) -> None:
        row = self.current
        panel = self.query_one(LetterPanel)
        if row is None or self.db is None:
            panel.clear()
            return
        if row.letter_id is None or row.state.value in ("sent", "printed"):
            panel.show_delivered()
            return
        panel.show_reading(row.letter_id)
        self._read_letter(self.db, row.letter_id)

    @work(group="preview", exclusive=True)
    async def _read_letter(self, db: Database, letter_id: int) -> None:
        from packweb_tui.config import letters_dir
        from packweb_tui.services.letters import letter_preview

        config = self.context.config
        try:
            today = self.context.now().astimezone(PARIS).date()
            preview = await letter_preview(
                db, letter_id, config.portal.url, letters_dir(config), today, config.letter_logos
            )
        except Exception as error:
            self.query_one(LetterPanel).show_failure(error)
            return
        self.query_one(LetterPanel).show_letter(preview)

    # --- ticking -----------------------------------------------------------------------------
    def action_tick(self) -> None:
        row = self.current
        if row is None:
            return
        self.checked ^= {row.account_id}
        table = self.query_one(AccountsTable)
        table.tick(row.account_id, row.account_id in self.checked)
        table.move_cursor(row=table.cursor_row + 1)
        self._show_info()

    def action_check_all(self) -> None:
        self.checked = {r.account_id for r in self.rows if r.undelivered}
        self._retick()

    def action_check_none(self) -> None:
        self.checked.clear()
        self._retick()

    def _retick(self) -> None:
        table = self.query_one(AccountsTable)
        for row in self.rows:
            table.tick(row.account_id, row.account_id in self.checked)
        self._show_info()

    def _chosen(self) -> list[CredentialsRow]:
        """The ticked lines, else the line under the cursor."""
        if self.checked:
            return [r for r in self.rows if r.account_id in self.checked]
        return [self.current] if self.current is not None else []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("send", "print", "reset", "open"):
            return self.db is not None and bool(self.rows) and not self.busy
        if action in ("filter", "next_sort", "reverse_sort"):
            return bool(self.all_rows)
        if action == "clear_filter":
            field = self.query_one(FilterBar)
            return bool(field.value) or field.typing
        return True

    def _show_outcomes(self, outcomes: Mapping[int, tuple[CredentialsState, str | None]]) -> None:
        """What an action did to letters (id → state, error), shown at once: the store, read
        again after it, takes a moment on a big list."""
        now = self.context.now()

        def after(row: CredentialsRow) -> CredentialsRow:
            if row.letter_id is None or row.letter_id not in outcomes:
                return row
            state, error = outcomes[row.letter_id]
            delivered = now if state in (CredentialsState.SENT, CredentialsState.PRINTED) else None
            return replace(row, state=state, error=error, delivered_at=delivered)

        self.apply([after(row) for row in self.all_rows])

    # --- printing ----------------------------------------------------------------------------
    @holds_keys
    @work(group="letters", exclusive=True)
    async def action_print(self) -> None:
        import shlex
        from datetime import datetime

        from packweb_tui.config import letters_dir
        from packweb_tui.domain.dates import PARIS
        from packweb_tui.services.editions import print_edition, send_to_printer
        from packweb_tui.tui.screens.decisions import ConfirmScreen

        db, uai = self.db, self.uai
        if db is None or uai is None:
            return
        # The ticked lines; nothing ticked: every letter still to deliver (not just the cursor's).
        lines = self._chosen() if self.checked else self.rows
        chosen = [r for r in lines if r.letter_id and r.undelivered]
        if not chosen:
            self.notify("Aucune lettre à imprimer : toutes ont été remises.", severity="warning")
            return
        config = self.context.config
        stamp = datetime.now(PARIS).strftime("%Y%m%d-%H%M%S")
        out = letters_dir(config) / uai / f"edition-{stamp}.pdf"
        printer = config.print_command  # [letters] print_command: the office's printer
        question = Content(
            f"{plural(len(chosen), 'lettre')} dans un PDF à imprimer :\n{out}\n\n"
            + (f"Puis envoyé à l'imprimante : {shlex.join(printer)}\n\n" if printer else "")
            + "Elles compteront comme remises : leur mot de passe sera effacé de la base et "
            "leur envoi par courriel annulé."
        )
        if not await self.app.push_screen_wait(ConfirmScreen("Imprimer l'édition", question, True)):
            return
        self.busy = True
        try:
            report = await print_edition(
                db, uai, out, self.context.operator, config.portal.url,
                [r.letter_id for r in chosen if r.letter_id], letters_dir(config),
                config.letter_logos,
            )  # fmt: skip
            answer = None
            if printer:  # the édition is written: whatever the printer does, it stays
                answer = await send_to_printer(db, uai, out, printer, self.context.operator)
        except Exception as error:
            self._failed(error)
            return
        finally:
            self.busy = False
        self.checked.clear()
        printed = set(report.printed)
        self._show_outcomes(
            {
                r.letter_id: (CredentialsState.PRINTED, None)
                for r in chosen
                if r.letter_id and r.login in printed
            }
        )
        self.reload()  # the éditions' line too: the path stays in view
        said = f"{plural(len(report.printed), 'lettre')} dans {report.path}"
        self.notify(
            f"{said}\n{answer.summary()}." if answer else said,
            title="Édition prête",
            severity="information" if not answer or answer.ok else "warning",
            markup=False,
        )

    # --- a new password ----------------------------------------------------------------------
    @holds_keys
    @work(group="letters", exclusive=True)
    async def action_reset(self) -> None:
        from packweb_tui.config import letters_dir
        from packweb_tui.services.letters import reset_password
        from packweb_tui.tui.screens.decisions import ConfirmScreen

        row, db = self.current, self.db
        if row is None or db is None:
            return
        question = Content(
            f"Un nouveau mot de passe initial pour {row.login} ({row.holder}) ?\n\n"
            "L'ancien ne marchera plus dès la prochaine synchronisation ; une nouvelle lettre "
            f"part en file d'envoi vers {row.email}, et toute lettre non remise est annulée."
        )
        if not await self.app.push_screen_wait(
            ConfirmScreen("Nouveau mot de passe", question, True)
        ):
            return
        try:
            report = await reset_password(
                db, row.login, self.context.operator, letters_dir(self.context.config)
            )
        except Exception as error:
            self._failed(error)
            return
        self._follow = row.account_id  # its new letter moves it in the list: the cursor too
        self.reload()
        self.notify(
            f"Nouvelle lettre pour {report.login}, en file d'envoi.",
            title="Nouveau mot de passe",
            markup=False,
        )

    # --- the account -------------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        # The table takes Enter for itself (select_cursor): the pane's binding comes from here.
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from packweb_tui.tui.screens.decisions import ConfirmScreen

        row = self.current
        if row is None:
            return
        word = row.state.short_label
        lines = [
            f"Identifiant : {row.login}",
            f"Pour : {row.holder}",
            f"Courriel : {row.email}",
            f"État : {word}",
        ]
        if row.delivered_at:
            lines.append(f"Remise le {format_instant(row.delivered_at)}")
        if row.error:
            lines.append(f"Dernier échec : {row.error}")
        self.app.push_screen(ConfirmScreen("Compte", Content("\n".join(lines)), False))

    # --- sending -----------------------------------------------------------------------------
    @holds_keys
    @work(group="letters", exclusive=True)
    async def action_send(self) -> None:
        """Send the ticked letters (or the one under the cursor) now, with a progress bar;
        failed ones are tried again, to the account's current address."""
        from packweb_tui.services.outbox.delivery import deliver_outbox
        from packweb_tui.tui.screens.decisions import ConfirmScreen, ProgressScreen

        db = self.db
        if db is None:
            return
        chosen = [r for r in self._chosen() if r.letter_id and r.undelivered]
        if not chosen:
            self.notify("Aucune lettre à envoyer parmi ces lignes.", severity="warning")
            return
        question = Content(
            f"Envoyer {plural(len(chosen), 'lettre')} par courriel maintenant ?\n\n"
            "Chacune part avec son PDF à l'adresse du compte ; une fois envoyée, son mot de "
            "passe n'est plus gardé."
        )
        if not await self.app.push_screen_wait(ConfirmScreen("Envoyer", question, True)):
            return
        progress = ProgressScreen("Envoi des courriels…", len(chosen))
        await self.app.push_screen(progress)
        self.busy = True
        try:
            report = await deliver_outbox(
                db,
                self.context.config,
                operator=self.context.operator,
                progress=progress.advance,
                letter_ids=[r.letter_id for r in chosen if r.letter_id],
            )
        except Exception as error:
            self._failed(error)
            return
        finally:
            self.busy = False
            progress.dismiss()
            self.reload()
        self.checked -= {r.account_id for r in chosen}
        self._show_outcomes(report.letter_outcomes())
        self.notify(
            "\n".join(report.summary_lines()),
            title="Envoi",
            severity="error" if report.error or report.failed else "information",
            markup=False,
        )
