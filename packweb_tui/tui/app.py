"""The PackWeb Console application: opens the store, keeps the establishment at work, and
holds the keys that work everywhere. Its parts get what they share through the context
(tui/context.py) and ask the app for the rest by messages and actions."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.console import Console
from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette, Provider
from textual.markup import escape
from textual.screen import Screen
from textual.signal import Signal

from packweb_tui.config import Config
from packweb_tui.domain.errors import InputError
from packweb_tui.services.errors import failure_words
from packweb_tui.store.urls import shown_url
from packweb_tui.tui.commands import PackWebCommands
from packweb_tui.tui.context import ChooseEstablishment, ConsoleContext, FirstReadDone, utc_now
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.focus import FocusKeeper
from packweb_tui.tui.keymap import bound_keys, keymap_of
from packweb_tui.tui.keys import footer_key_label
from packweb_tui.tui.screens.console import ConsoleScreen
from packweb_tui.tui.screens.establishments import EstablishmentsScreen
from packweb_tui.tui.screens.help import HelpScreen, key_sections
from packweb_tui.tui.typeahead import TypeAhead
from packweb_tui.tui.widgets.palette import Palette

if TYPE_CHECKING:
    # The store is imported only once the frame is painted (SQLAlchemy takes 0.3 s to load).
    from packweb_tui.services.establishments import EstablishmentView
    from packweb_tui.services.pending import StartSnapshot
    from packweb_tui.store.database import Database


class PackWebApp(App[None]):
    TITLE = "PackWeb Console"
    CSS_PATH = css_paths("app")
    # The frame as a mode, not as the default screen: Textual loads a mode's CSS_PATH.
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {"console": ConsoleScreen}
    DEFAULT_MODE = "console"
    # Our commands only: Textual's own system commands speak English.
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {PackWebCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f1,question_mark",
            "help",
            "Aide",
            id="app.help",
            key_display="F1/?",
            tooltip="Toutes les touches de cet écran",
        ),
        Binding("q", "quit", "Quitter", id="app.quit", tooltip="Quitter la console"),
        # ctrl+q quits from anywhere, dialogs and text fields included.
        Binding(
            "ctrl+q",
            "quit",
            "Quitter",
            id="app.quit_anywhere",
            tooltip="Quitter la console",
            priority=True,
            show=False,
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commandes",
            id="app.command_palette",
            tooltip="Palette de commandes : onglets, établissements, thème…",
            priority=True,
            show=False,
        ),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="app.ctrl_c"),
    ]

    def __init__(
        self,
        db_url: str,
        operator: str,
        demo: bool = False,
        clock: Callable[[], datetime] | None = None,
        first_read: Future[StartSnapshot | None] | None = None,
        config: Config | None = None,
    ) -> None:
        """`first_read`: the queue read ahead by tui.startup.prefetch (started here when not
        given; the command line starts it before importing Textual). A bad [keys] in `config`
        is an InputError, raised before anything starts."""
        super().__init__()
        # The line said on the way out is not wrapped: a path cut in two could not be copied.
        self.error_console = Console(markup=False, highlight=False, stderr=True, soft_wrap=True)
        config = config or Config()  # the portal's address, email, where letters go; keys
        keymap = keymap_of(config)
        self.set_keymap(keymap)
        clock = clock or utc_now  # tests fix the time (ages of requests in snapshots)
        if first_read is None:
            from packweb_tui.tui.startup import prefetch

            first_read = prefetch(db_url, clock())
        self.context = ConsoleContext(
            operator=operator,
            config=config,
            first_read=first_read,
            establishment_changed=Signal(self, "establishment"),
            keymap=keymap,
            demo=demo,
            database=shown_url(db_url),
            clock=clock,
        )
        self.db_url = db_url
        self.error: str | None = None  # why the store could not be opened
        self.ready = False  # the store is open and the establishments are known
        # Keys typed ahead wait for what the keys before them bring up; quitting never waits.
        self.type_ahead = TypeAhead(self, [*bound_keys("app.quit_anywhere", keymap), "ctrl+c"])
        self.focus_keeper = FocusKeeper(self)

    @property
    def db(self) -> Database | None:
        """The store, once open (the context holds it)."""
        return self.context.db

    @property
    def establishment(self) -> EstablishmentView | None:
        """The establishment at work (the context holds it)."""
        return self.context.establishment

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self._screen_changed(self.screen)

    def _screen_changed(self, screen: Screen[Any]) -> None:
        # A dialog opened or closed: the focus goes back where it was when it opened, and
        # the keys typed meanwhile wait until the screen on top is ready for them.
        self.focus_keeper.screen_changed(screen)
        self.type_ahead.screen_changed(screen)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.type_ahead.keeps(event):
                return
            target = self.focused or self.screen  # where Textual sends it
            await super().on_event(event)
            self.type_ahead.handed(target)
            return
        await super().on_event(event)

    def get_key_display(self, binding: Binding) -> str:
        return binding.key_display or footer_key_label(binding.key)

    # --- the store ---------------------------------------------------------------------------
    def on_first_read_done(self, message: FirstReadDone) -> None:
        # The rows read ahead are painted first; the store is opened (SQLAlchemy imported,
        # the schema checked) once they are on screen. Without them, the console shows
        # "Ouverture de la base…" however slow the server or the migration.
        if message.shown:
            # Importing SQLAlchemy holds the interpreter for half a second: the frames that
            # settle the first screen go out before.
            self.set_timer(0.2, self._start_opening)
        else:
            self.call_after_refresh(self._start_opening)

    def _start_opening(self) -> None:
        self.run_worker(self._open(), name="open-database", group="database")

    async def _open(self) -> None:
        from packweb_tui.services.database import open_database
        from packweb_tui.services.establishments import list_establishments

        context = self.context
        try:
            context.db = await open_database(self.db_url)
            context.establishments = await list_establishments(context.db)
        except Exception as error:  # every failure ends the same way: a line, status 1
            from packweb_tui.services.errors import OperationalError

            detail = failure_words(error)
            if isinstance(error, OperationalError):
                self.error = detail  # already says what failed, in French
            elif context.db is None:
                self.error = f"ouverture de la base impossible : {detail}"
            else:
                self.error = f"lecture de la base impossible : {detail}"
            self.exit(return_code=1, message=f"packweb : {self.error}")
            return
        self.refresh_bindings()
        # The console starts on the establishment used last, else the first by UAI (the list
        # is sorted so).
        from packweb_tui.tui.state import last_uai

        last = last_uai()
        self.ready = True
        establishments = context.establishments
        self._work_on(
            next(
                (e for e in establishments if e.uai == last),
                establishments[0] if establishments else None,
            )
        )

    async def on_unmount(self) -> None:
        if self.context.db is not None:
            await self.context.db.close()
            self.context.db = None

    # --- establishments ----------------------------------------------------------------------
    def _work_on(self, establishment: EstablishmentView | None) -> None:
        """The establishment at work; the screen and its panes show it (read again, even
        when it is the same one)."""
        self.context.establishment = establishment
        self.context.establishment_changed.publish(establishment)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_establishment" and self.db is None:
            return None  # shown, greyed out, until the store is open
        return True

    def action_switch_establishment(self) -> None:
        if self.db is None or any(isinstance(s, EstablishmentsScreen) for s in self.screen_stack):
            return
        worker = self.run_worker(
            self._switch_establishment(), group="establishments", exclusive=True
        )
        self.type_ahead.wait_for(worker)

    async def _switch_establishment(self) -> None:
        from packweb_tui.services.establishments import list_establishments

        context = self.context
        assert context.db is not None
        try:
            context.establishments = await list_establishments(context.db)
        except Exception as error:
            self.notify(
                f"Lecture impossible : {failure_words(error)}", severity="error", markup=False
            )
            return
        current = self.establishment.uai if self.establishment else None
        await self.push_screen(
            EstablishmentsScreen(context.establishments, current), self._picked_establishment
        )

    def _picked_establishment(self, picked: EstablishmentView | None) -> None:
        if picked is not None:
            self.select_establishment(picked)

    def on_choose_establishment(self, message: ChooseEstablishment) -> None:
        self.select_establishment(message.establishment)

    def action_edit_establishment(self) -> None:
        if self.db is None or self.establishment is None:
            self.notify("Aucun établissement en cours.", severity="warning")
            return
        worker = self.run_worker(self._edit_establishment(), group="establishments", exclusive=True)
        self.type_ahead.wait_for(worker)

    async def _edit_establishment(self) -> None:
        """The name, postal address and phone of the establishment in use (its letters'
        header)."""
        from packweb_tui.services.establishments import change_establishment, list_establishments
        from packweb_tui.tui.screens.establishment_edit import EstablishmentEditScreen

        context = self.context
        db, current = context.db, context.establishment
        if db is None or current is None:
            return

        async def save(name: str, lines: list[str], phone: str) -> str | None:
            try:
                changed = await change_establishment(
                    db, current.uai, context.operator, name, lines, phone
                )
            except InputError as error:
                return str(error)
            except Exception as error:  # shown in the dialog, never a traceback
                detail = failure_words(error)
                return f"Enregistrement impossible : {detail}"
            with contextlib.suppress(Exception):  # saved; the list is only for display
                context.establishments = await list_establishments(db)
            # The panes and the header read it again (with its figures, from the list).
            self._work_on(
                next((e for e in context.establishments if e.uai == changed.uai), changed)
            )
            return None

        screen = EstablishmentEditScreen(
            save, current.uai, current.name, current.address, current.phone
        )
        if await self.push_screen_wait(screen):
            self.notify(
                "Nom, adresse et téléphone enregistrés : les lettres à venir les porteront.",
                title=f"Établissement {current.uai}",
            )

    def select_establishment(self, establishment: EstablishmentView) -> None:
        """Work on `establishment`, and open on it next time."""
        from packweb_tui.tui.state import remember_uai

        self._work_on(establishment)
        remember_uai(establishment.uai)

    # --- tabs, help, palette, quitting ---------------------------------------------------------
    def action_show_tab(self, tab_id: str) -> None:
        """Bring the console forward (closing any dialog) on the tab `tab_id`."""
        while not isinstance(self.screen, ConsoleScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        if isinstance(self.screen, ConsoleScreen):
            self.screen.action_show_tab(tab_id)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(key_sections(self.screen)))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(cast(App[object], self)):
            self.push_screen(
                Palette(placeholder="Rechercher une commande…", id="--command-palette")
            )

    async def action_quit(self) -> None:
        """`q` and Ctrl+Q: unsaved settings are not lost without a question."""
        from packweb_tui.tui.panes.settings import SettingsPane

        if isinstance(self.screen, ConsoleScreen):
            settings = self.screen.query_one(SettingsPane)
            if settings.dirty:
                settings.action_quit()  # asks: save, drop, or stay
                return
        self.exit()

    def action_help_quit(self) -> None:
        # Textual's own reminder is in English; ctrl+c is a reflex worth answering.
        here, anywhere = (escape(self.context.key(k)) for k in ("app.quit", "app.quit_anywhere"))
        self.notify(
            f"Pour quitter la console : [b]{here}[/b] ou [b]{anywhere}[/b].", title="Quitter ?"
        )
