"""Demandes: the account requests from the portal, waiting for the operator's check. A line
of counts, the table (tick, filter, sort), the explanation of the line under the cursor; bulk
approval and rejection of the ticked lines, the detail of one request."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static, TabbedContent

from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.wording import plural
from packweb_tui.services.pending import Queue
from packweb_tui.tui.keys import as_printed
from packweb_tui.tui.panes.pane import OPENING, StorePane
from packweb_tui.tui.typeahead import holds_keys
from packweb_tui.tui.widgets.filter_bar import FilterBar
from packweb_tui.tui.widgets.requests_rows import LATE
from packweb_tui.tui.widgets.requests_table import RequestsTable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from packweb_tui.services.pending import StartSnapshot
    from packweb_tui.store.database import Database


def counts(total: int, late: int) -> Content:
    """``12 demandes en attente, dont 3 depuis plus de 48 h``."""
    if not total:
        return Content.from_markup("[b]Aucune demande en attente.[/b]")
    text = f"[b]{plural(total, 'demande')} en attente[/b]"
    if late:
        text += f", dont [b $warning]{late} depuis plus de 48 h[/]"
    return Content.from_markup(text)


class RequestsPane(StorePane[Queue]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "filter",
            "Filtrer",
            id="requests.filter",
            key_display="/",
            tooltip="Filtrer les lignes : nom, carte, courriel, concordance",
        ),
        Binding(
            "escape",
            "clear_filter",
            "Sans filtre",
            id="requests.clear_filter",
            tooltip="Effacer le filtre",
        ),
        Binding(
            "g",
            "approve",
            "Générer",
            id="requests.approve",
            tooltip="Générer les identifiants des lignes cochées (accepter)",
        ),
        Binding(
            "r",
            "reject",
            "Refuser",
            id="requests.reject",
            tooltip="Refuser les lignes cochées, avec un motif",
        ),
        Binding(
            "v",
            "review",
            "Revoir",
            id="requests.review",
            tooltip="Revoir une à une les demandes à examiner",
        ),
    ]

    _info_width = 0  # the info's width, and the lines it was given at that width
    _info_lines = 3

    def compose(self) -> ComposeResult:
        yield Static(OPENING, classes="pane-figures", id="requests-counts")
        yield FilterBar(
            "Filtrer : nom, carte, courriel, concordance…", self._filter_typed, id="requests-filter"
        )
        yield RequestsTable(id="requests-table")
        yield Static("", id="requests-info", markup=False)

    def on_mount(self) -> None:
        self.query_one(RequestsTable).display = False

    # --- reading -----------------------------------------------------------------------------
    def show_first_read(self, snapshot: StartSnapshot) -> None:
        """The first page of the queue, read ahead while the store opens: painted at once;
        the keys that decide, and those that need every line, wait for the store."""
        self.uai = snapshot.uai
        self._show_queue(snapshot.queue, partial=not snapshot.complete)
        self._update(counts(snapshot.total, snapshot.late))

    def show(self, db: Database | None, uai: str | None) -> None:
        table = self.query_one(RequestsTable)
        opened = self.db is None and db is not None
        if opened and uai == self.uai and table.loaded and not table.partial:
            # The store has just opened on the establishment whose whole queue was read
            # ahead a moment ago (show_first_read): it is on screen already.
            self.db = db
            self.refresh_bindings()
            return
        super().show(db, uai)

    def show_none(self) -> None:
        self.query_one(RequestsTable).display = False

    async def read(self, db: Database, uai: str) -> Queue:
        from packweb_tui.services.queue import pending_queue

        return await pending_queue(db, uai)

    def apply(self, queue: Queue) -> None:
        self._show_queue(queue)

    def _show_queue(self, queue: Queue, partial: bool = False) -> None:
        table = self.query_one(RequestsTable)
        first = not table.loaded
        table.load(queue.rows, self.context.now(), partial)
        table.display = True
        self._show_counts()
        if first and self.screen.query_one(TabbedContent).active == "requests":
            table.focus()  # the keys work at once, as soon as the rows are painted

    def focus_table(self) -> None:
        table = self.query_one(RequestsTable)
        if table.display:
            table.focus()

    def _show_counts(self) -> None:
        table = self.query_one(RequestsTable)
        if not table.partial:  # of a first page, show_first_read gives the store's counts
            rows, now = table.rows, self.context.now()
            self._update(counts(len(rows), sum(1 for r in rows if now - r.submitted_at > LATE)))
        self._show_info()

    def _show_info(self) -> None:
        table = self.query_one(RequestsTable)
        parts = []
        if table.partial:
            parts.append(f"les {len(table.rows)} plus anciennes, lecture des autres…")
        shown = len(table.visible_rows)
        if table.filter_text:
            parts.append(f"Filtre : {plural(shown, 'ligne')}")
        parts.append(f"{plural(len(table.checked), 'cochée')}")
        parts.append(f"tri : {table.sort_label}")
        head = " · ".join(parts)
        row = table.current
        if row is None:
            text = head
        else:
            from packweb_tui.domain.names import clean_text

            received = format_instant(row.submitted_at)
            text = (
                f"{head}\nn° {row.id}, reçue le {received}, {clean_text(row.email)} : "
                f"{clean_text(row.explanation)}"
            )
        info = self.query_one("#requests-info", Static)
        self._fit_info(info, Content(text))
        info.update(text, layout=False)

    def _fit_info(self, info: Static, text: Content) -> None:
        """Make the info as high as its text, never lower than three lines nor than it was
        at this width: the table above does not jump as the cursor moves, and the screen is
        laid out again only when a longer explanation comes."""
        width = info.content_region.width
        if not width:
            return  # not laid out yet: the next resize comes here again
        lines = max(len(text.wrap(width)), 3)
        if width == self._info_width:
            lines = max(lines, self._info_lines)
        if (width, lines) != (self._info_width, self._info_lines):
            self._info_width, self._info_lines = width, lines
            info.styles.height = lines + 1  # and its border

    @on(RequestsTable.Changed)
    def _table_changed(self) -> None:
        self._show_info()

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_info)  # the info's lines at its new width

    # --- filtering ---------------------------------------------------------------------------
    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def on_key(self, event: events.Key) -> None:
        can = self.check_action("filter", ())
        self.query_one(FilterBar).take_key(event, self.action_filter if can else None)

    @on(FilterBar.Done)
    def _filter_done(self) -> None:
        self.focus_table()

    def _filter_typed(self, text: str) -> None:
        # In the key's own step: the lines and the counts below them in the same frame.
        self.query_one(RequestsTable).set_filter(text)
        self._show_info()

    def action_clear_filter(self) -> None:
        self.query_one(FilterBar).close()
        self.query_one(RequestsTable).set_filter("")
        self.focus_table()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            table = self.query_one(RequestsTable)
            return bool(table.filter_text) or self.query_one(FilterBar).has_focus
        if action in ("approve", "reject", "filter"):
            return self.db is not None and self.uai is not None and not self.busy
        if action == "review":  # of every line: once they are all read
            table = self.query_one(RequestsTable)
            return (
                self.db is not None
                and self.uai is not None
                and not self.busy
                and (table.loaded and not table.partial)
            )
        return True

    # --- the detail --------------------------------------------------------------------------
    @on(RequestsTable.Opened)
    def _open(self, event: RequestsTable.Opened) -> None:
        from packweb_tui.tui.screens.request_detail import RequestDetailScreen

        if self.db is None or self.uai is None:
            return

        def after(choice: tuple[str, int] | None) -> None:
            if choice is None:
                self.reload()
            elif choice[0] == "approve":
                self.approve([choice[1]])
            elif choice[0] == "reject":
                self.reject([choice[1]])

        self.app.push_screen(
            RequestDetailScreen(self.db, self.uai, event.row.id, self.context.operator), after
        )

    # --- the review --------------------------------------------------------------------------
    def action_review(self) -> None:
        from packweb_tui.tui.screens.review import ReviewScreen
        from packweb_tui.tui.screens.review_state import review_ids

        table = self.query_one(RequestsTable)
        ids = review_ids(table.checked_rows or table.visible_rows)
        if self.db is None or self.uai is None:
            return
        if not ids:
            approve = as_printed(self.context.key("requests.approve"))
            self.notify(
                "Aucune demande à revoir parmi ces lignes : les exactes s'acceptent avec "
                f"{approve}.",
                title="Rien à revoir",
                severity="warning",
                markup=False,
            )
            return

        def after(decided: set[int] | None) -> None:
            if decided:
                self._decided(decided)
            self.reload()

        screen = ReviewScreen(self.db, self.uai, ids, self.context.operator)
        self.app.push_screen(screen, after)

    def _decided(self, ids: set[int]) -> None:
        """Requests just decided leave the list at once, ticks and counts with them: the
        queue, read again after, takes a moment when it is long."""
        table = self.query_one(RequestsTable)
        table.checked -= ids
        rest = [row for row in table.rows if row.id not in ids]
        table.load(rest, self.context.now(), table.partial)
        self._show_counts()

    # --- approving ---------------------------------------------------------------------------
    def _ticked(self) -> list[int] | None:
        ids = [row.id for row in self.query_one(RequestsTable).checked_rows]
        if not ids:
            key = self.context.key
            others = ", ".join(
                as_printed(key(k)) for k in ("requests.check_all", "requests.check_exact")
            )
            self.notify(
                f"Aucune ligne cochée : cochez-en avec {key('requests.toggle')} (ou {others}…).",
                title="Rien à faire",
                severity="warning",
                markup=False,
            )
            return None
        return ids

    def action_approve(self) -> None:
        if (ids := self._ticked()) is not None:
            self.approve(ids)

    def action_reject(self) -> None:
        if (ids := self._ticked()) is not None:
            self.reject(ids)

    @holds_keys
    @work(group="decisions", exclusive=True)
    async def approve(self, ids: Sequence[int]) -> None:
        """Count, confirm, approve in the background with a progress bar, sum up."""
        from packweb_tui.services.decisions.approve import approve_requests, plan_approval
        from packweb_tui.tui.screens.decisions import (
            ConfirmScreen,
            ProgressScreen,
            approval_question,
            approval_summary,
        )

        db, uai = self.db, self.uai
        if db is None or uai is None:
            return
        try:
            plan = await plan_approval(db, ids, uai)
        except Exception as error:
            self._failed(error)
            return
        title, body, can = approval_question(plan)
        if not await self.app.push_screen_wait(ConfirmScreen(title, body, can)) or not can:
            return
        progress = ProgressScreen("Génération des identifiants…", len(plan.items))
        await self.app.push_screen(progress)
        self.busy = True
        loop = asyncio.get_running_loop()

        def report_progress(done: int, total: int) -> None:
            # Called on the event loop by the service; from a thread, handed over to it.
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                progress.advance(done, total)
            else:
                loop.call_soon_threadsafe(progress.advance, done, total)

        try:
            report = await approve_requests(
                db, [item.request_id for item in plan.items], self.context.operator,
                report_progress, uai=uai,
            )  # fmt: skip
        except Exception as error:
            progress.dismiss()
            self.busy = False
            self.reload()
            self._failed(error)
            return
        progress.dismiss()
        self.busy = False
        self._decided({c.request_id for c in report.created})
        self.reload()
        title, body = approval_summary(report, plan, self.context.key("tab.credentials"))
        go = await self.app.push_screen_wait(
            ConfirmScreen(
                title, body, bool(report.created), yes="Aller aux identifiants", no="Rester ici"
            )
        )
        if go and report.created:
            await self.app.run_action("show_tab('credentials')")

    @holds_keys
    @work(group="decisions", exclusive=True)
    async def reject(self, ids: Sequence[int]) -> None:
        """Choose or type a reason, confirm, reject, sum up."""
        from packweb_tui.services.decisions.reject import reject_requests
        from packweb_tui.tui.screens.decisions import ConfirmScreen, ReasonScreen

        db, uai = self.db, self.uai
        if db is None or uai is None:
            return
        reason = await self.app.push_screen_wait(ReasonScreen(len(ids)))
        if not reason:
            return
        question = Content.assemble(
            f"Refuser {plural(len(ids), 'demande')} pour le motif :\n\n",
            (f"« {reason} »", "bold"),
            "\n\nChaque demandeur en est prévenu par courriel.",
        )
        if not await self.app.push_screen_wait(ConfirmScreen("Refuser", question, True)):
            return
        self.busy = True
        try:
            report = await reject_requests(db, ids, reason, self.context.operator, uai=uai)
        except Exception as error:
            self._failed(error)
            return
        finally:
            self.busy = False
            self.reload()
        self._decided(set(report.rejected))
        self.notify("\n".join(report.summary_lines()), title="Refus", markup=False)
