"""The console's frame: header, one tab per task, footer of keys."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import TabbedContent, TabPane, Tabs

from packweb_tui.tui.context import FirstReadDone, console_context
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.panes.accounts import AccountsPane
from packweb_tui.tui.panes.credentials import CredentialsPane
from packweb_tui.tui.panes.pane import StorePane
from packweb_tui.tui.panes.requests import RequestsPane
from packweb_tui.tui.panes.settings import SettingsPane
from packweb_tui.tui.panes.sync import SyncPane
from packweb_tui.tui.widgets.footer import KeyFooter
from packweb_tui.tui.widgets.header import ConsoleHeader

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from packweb_tui.services.establishments import EstablishmentView
    from packweb_tui.services.pending import StartSnapshot

# (pane id, tab label, pane class), in the order of the keys 1 to 5.
TABS: tuple[tuple[str, str, type[StorePane[Any]]], ...] = (
    ("requests", "Demandes", RequestsPane),
    ("credentials", "Identifiants", CredentialsPane),
    ("accounts", "Comptes", AccountsPane),
    ("settings", "Configuration", SettingsPane),
    ("sync", "Synchronisation", SyncPane),
)
_TABS_GROUP = Binding.Group("Onglets")


class ConsoleScreen(Screen[None]):
    CSS_PATH = css_paths("console", "header", "pane", *(tab_id for tab_id, _, _ in TABS))
    # Digits, not F-keys, switch tabs: they reach the console through any terminal and SSH
    # client, where F-keys are often taken (F1 help, F10 menu, F11 full screen).
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(n),
                f"show_tab('{tab_id}')",
                label,
                id=f"tab.{tab_id}",
                group=_TABS_GROUP,
                tooltip=f"Onglet {label}",
            )
            for n, (tab_id, label, _) in enumerate(TABS, start=1)
        ),
        # Priority: the switcher opens even from a text field (where ctrl+e means "end").
        Binding(
            "ctrl+e",
            "app.switch_establishment",
            "Établissement",
            id="establishment.switch",
            tooltip="Choisir l'établissement sur lequel travailler",
            priority=True,
        ),
        Binding(
            "o",
            "show_outbox",
            "Courriels",
            id="outbox.open",
            tooltip="Les courriels de l'établissement, leur envoi",
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id="console")

    def compose(self) -> ComposeResult:
        context = console_context(self)
        yield ConsoleHeader(context.operator, context.demo)
        with TabbedContent(id="tabs"):
            for n, (tab_id, label, pane) in enumerate(TABS, start=1):
                with TabPane(f"[$text-muted]{n}[/] {label}", id=tab_id):
                    yield pane(id=f"{tab_id}-pane")
        yield KeyFooter()

    def on_mount(self) -> None:
        context = console_context(self)
        context.establishment_changed.subscribe(self, self._show_establishment)
        if context.first_read.done():
            self._first_read_done(context.first_read.result())  # read while Textual loaded
        else:
            self._wait_first_read()

    # --- the rows read ahead (tui/startup.py), before the store is open -------------------------
    @work(group="first-read")
    async def _wait_first_read(self) -> None:
        self._first_read_done(await asyncio.wrap_future(console_context(self).first_read))

    def _first_read_done(self, snapshot: StartSnapshot | None) -> None:
        """Paint the queue read ahead (in the first frame when it was read by then); the
        app opens the store once it is on screen."""
        if snapshot is not None:
            self.query_one(ConsoleHeader).show_establishment(f"{snapshot.uai} {snapshot.name}")
            self.query_one(RequestsPane).show_first_read(snapshot)
        self.post_message(FirstReadDone(shown=snapshot is not None))

    # --- the establishment at work ------------------------------------------------------------
    def _show_establishment(self, establishment: EstablishmentView | None) -> None:
        header = self.query_one(ConsoleHeader)
        if establishment is None:
            header.show_establishment("aucun établissement")
        else:
            header.show_establishment(f"{establishment.uai} {establishment.name}")
        for pane in self.query(StorePane):
            self._load(pane)

    def _load(self, pane: StorePane[Any]) -> None:
        context = console_context(self)
        establishment = context.establishment
        pane.show(context.db, establishment.uai if establishment else None)

    @on(TabbedContent.TabActivated)
    def _reload_shown_pane(self, event: TabbedContent.TabActivated) -> None:
        # A toast speaks of the pane it came from: it leaves with it.
        self.app.clear_notifications()
        # Others may have changed the store meanwhile (the CLI, the nightly sync): a pane
        # is read again each time it is shown.
        if console_context(self).db is not None:
            self._load(event.pane.query_one(StorePane))

    def action_show_outbox(self) -> None:
        from packweb_tui.tui.screens.outbox import OutboxScreen

        context = console_context(self)
        establishment = context.establishment
        if context.db is None or establishment is None:
            return

        def back(_: None) -> None:
            # What was sent changes the tab in view (letters sent): it is read again.
            if (pane := self.query_one(TabbedContent).active_pane) is not None:
                self._load(pane.query_one(StorePane))

        screen = OutboxScreen(context.db, establishment.uai, establishment.name)
        self.app.push_screen(screen, back)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_outbox":
            context = console_context(self)
            return context.db is not None and context.establishment is not None
        return True

    def focus_default(self) -> None:
        """What the keys of the tab on show act on takes the focus (tui/focus.py: a dialog
        closed, and what had the focus before it is gone)."""
        active = self.query_one(TabbedContent).active
        if active:
            self.query_one(f"#{active}-pane", StorePane).focus_table()

    def action_show_tab(self, tab_id: str) -> None:
        focused = self.focused
        pane = self.query_one(f"#{tab_id}-pane", StorePane)
        if focused is not None and pane not in focused.ancestors_with_self:
            # Focus left in the tab being hidden would bring it back (a table scrolls its
            # cursor into view): the tab bar holds it until the new pane takes it.
            self.query_one(Tabs).focus()
        self.query_one(TabbedContent).active = tab_id
        # Its keys work at once: its table (if it has one) takes the focus.
        pane.focus_table()
