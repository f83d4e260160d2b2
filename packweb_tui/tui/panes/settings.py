"""Configuration: the guide's "Configurer mon espace numérique" screen, for the keyboard.

At the top, what the portal shows today (open, or closed for payment and/or reservation, by
which rule, until when) and whether the settings wait for the next synchronisation. Then the
form, every field of the guide in its order and with its labels, checked as it is typed (the
message beside the field; a field turned off by its switch is greyed); changed fields are
marked until saved (Ctrl+S) or reverted (Ctrl+Z), and leaving the tab, the establishment or
the console with changes asks first. Then the dated closures, by date, the past ones greyed:
added, changed and deleted through their own dialog, saved at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content, Span
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Static, TabbedContent

from packweb_tui.domain.closures import ClosurePeriod
from packweb_tui.domain.dates import PARIS, format_instant
from packweb_tui.domain.errors import InputError
from packweb_tui.domain.settings import (
    FIELD_BY_KEY,
    FIELDS,
    PortalSettingsValues,
    read_form,
)
from packweb_tui.domain.wording import plural
from packweb_tui.services.errors import failure_words
from packweb_tui.tui.context import ChooseEstablishment
from packweb_tui.tui.panes.pane import OPENING, StorePane
from packweb_tui.tui.typeahead import holds_keys
from packweb_tui.tui.widgets.closures import ClosuresSection, ClosuresTable
from packweb_tui.tui.widgets.settings_form import SettingsForm

if TYPE_CHECKING:
    from datetime import date

    from textual.app import ComposeResult

    from packweb_tui.services.settings import ClosureView, SettingsView
    from packweb_tui.store.database import Database
    from packweb_tui.tui.screens.unsaved import Answer

TAB_ID = "settings"
WIDE = 120  # from this width, the continuous closure stands beside the form, as in the guide


class SettingsPane(StorePane["SettingsView"]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Enregistrer", id="settings.save",
                tooltip="Enregistrer les réglages du formulaire"),
        Binding("ctrl+z", "revert", "Annuler modifs", id="settings.revert",
                tooltip="Revenir aux réglages enregistrés"),
        Binding("ctrl+n", "add_closure", "Nouvelle fermeture", id="settings.add_closure",
                tooltip="Ajouter une fermeture par période"),
        Binding("enter", "edit", "Modifier", id="settings.edit",
                tooltip="Aller au premier champ du formulaire"),
        Binding("escape", "leave_field", "Quitter le champ", id="settings.leave_field",
                tooltip="Sortir du champ (les chiffres changent d'onglet)"),
        Binding("q", "quit", "Quitter", id="settings.quit",
                tooltip="Quitter (demande d'abord s'il reste des modifications)"),
    ]  # fmt: skip

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: SettingsView | None = None  # as last read from the store
        self.base = PortalSettingsValues()  # what the form was filled with
        self._asking = False  # the unsaved-changes question is on screen
        self._dirty_shown = False
        self._shown: dict[Widget, tuple[str, tuple[Span, ...]]] = {}  # see _put

    # --- the form ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(OPENING, classes="pane-figures", id="settings-status")
        with Vertical(id="settings-body"):
            yield SettingsForm()
            yield ClosuresSection()

    def on_mount(self) -> None:
        self.query_one("#settings-body").display = False
        tabs = self.query_ancestor(TabbedContent)
        self.watch(tabs, "active", self._tab_changed, init=False)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= WIDE, "-wide")

    def focus_table(self) -> None:
        # The pane itself: the digits still change tab; Enter goes into the form.
        if self.query_one("#settings-body").display:
            self.focus()

    @property
    def _form(self) -> SettingsForm:
        return self.query_one(SettingsForm)

    def _control(self, key: str) -> Input | Checkbox:
        return self._form.rows[key].control

    def entries(self) -> dict[str, str | bool]:
        """What the form holds: text as typed, switches as booleans."""
        return self._form.entries()

    def changed_keys(self) -> list[str]:
        """The fields that differ from the settings the form was filled with."""
        return self._form.changed_keys(self.base)

    @property
    def dirty(self) -> bool:
        return self.view is not None and bool(self.changed_keys())

    def _fill(self, values: PortalSettingsValues) -> None:
        self.base = values
        self._form.fill(values)
        self._refresh_form()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self._refresh_form()

    @on(Checkbox.Changed)
    def _switched(self, event: Checkbox.Changed) -> None:
        if not event.value:
            self._form.turned_off(event.checkbox, self.base)
        self._refresh_form()

    def _refresh_form(self) -> None:
        """The rows' problems and changes, greyed dependents, the status."""
        if self.view is None:
            return
        reading = read_form(self.entries(), self.base)
        changed = self.changed_keys()
        self._form.show(reading.problems, changed)
        self._show_status(len(changed))
        if bool(changed) != self._dirty_shown:  # Ctrl+Z comes and goes with the changes
            self._dirty_shown = bool(changed)
            self.refresh_bindings()

    def _put(self, widget: Static, content: Content) -> None:
        """Update `widget` only when what it shows changes: each update lays the whole
        console out again (some 50 ms), and the form is refreshed at every key."""
        shown = (content.plain, tuple(content.spans))
        if self._shown.get(widget) != shown:
            self._shown[widget] = shown
            widget.update(content)

    # --- the status ----------------------------------------------------------------------------
    def _today(self) -> date:
        return self.context.now().astimezone(PARIS).date()

    def _show_status(self, changes: int) -> None:
        view = self.view
        if view is None:
            return
        portal = view.portal(self._today())
        lines: list[Content] = []
        if portal.open:
            lines.append(
                Content.from_markup(
                    "[b]Le portail aujourd'hui[/b] : ouvert, paiement et réservation en ligne"
                )
            )
        else:
            lines.append(Content.from_markup("[b]Le portail aujourd'hui[/b] :"))
            blocks = (portal.payment, portal.reservation)
            for line, block in zip(portal.lines()[:2], blocks, strict=True):
                style = "$text-warning" if block is not None else ""
                lines.append(Content.styled("  " + line, style))
        lines.append(Content.styled(self._sync_state(view), "$text-muted"))
        if view.values.requests_email is None:
            lines.append(
                Content.styled(
                    "Email des demandes de compte à renseigner (obligatoire).",
                    "bold $text-warning",
                )
            )
        if changes:
            lines.append(
                Content.from_markup(
                    f"[b $text-warning]● {plural(changes, 'modification')} non "
                    f"{'enregistrée' if changes < 2 else 'enregistrées'}[/] : "
                    "[b]$save[/b] enregistre, [b]$revert[/b] annule",
                    save=self.context.key("settings.save"),
                    revert=self.context.key("settings.revert"),
                )
            )
        self._update(Content("\n").join(lines))

    def _update(self, content: Content) -> None:
        self._put(self.query_one("#settings-status", Static), content)

    @staticmethod
    def _sync_state(view: SettingsView) -> str:
        if view.updated_by is None or view.updated_at is None:
            saved = "Réglages par défaut"
        else:
            saved = f"Enregistrés le {format_instant(view.updated_at)} par {view.updated_by}"
        if view.to_push:
            return f"{saved}, en attente de synchronisation."
        assert view.pushed_at is not None
        return f"{saved} ; portail à jour ({format_instant(view.pushed_at)})."

    # --- reading -------------------------------------------------------------------------------
    def show(self, db: Database | None, uai: str | None) -> None:
        another = self.view is not None and uai != self.view.uai
        if db is not None and uai is not None and another and self.dirty:
            self.db = db
            self._ask_before_switching(uai)
            return
        super().show(db, uai)

    def show_none(self) -> None:
        self.view = None
        self.query_one("#settings-body").display = False

    async def read(self, db: Database, uai: str) -> SettingsView:
        from packweb_tui.services.settings import read_settings

        return await read_settings(db, uai)

    def apply(self, view: SettingsView) -> None:
        """Show what was read. The form is filled again unless it holds changes of this
        establishment (kept; the save tells if someone changed the same fields meanwhile)."""
        refill = self.view is None or self.view.uai != view.uai or not self.dirty
        self.view = view
        body = self.query_one("#settings-body")
        shown_before = body.display
        body.display = True
        self._show_closures(view)
        if refill:
            self._fill(view.values)
        else:
            self._refresh_form()
        if not shown_before and self.query_ancestor(TabbedContent).active == TAB_ID:
            self.focus_table()

    def _show_closures(self, view: SettingsView) -> None:
        self.query_one(ClosuresSection).show(view.closures, self._today())

    def _current_closure(self) -> ClosureView | None:
        return None if self.view is None else self.query_one(ClosuresSection).current

    # --- keys ----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        loaded = self.view is not None and self.db is not None
        if action == "edit":
            return loaded and self.screen.focused is self
        if action == "leave_field":
            return self.screen.focused is not None and self.screen.focused is not self
        if action == "revert":
            return loaded and self.dirty
        if action in ("save", "add_closure"):
            return loaded and not self.busy
        return True

    def action_edit(self) -> None:
        self._control(FIELDS[0].key).focus()

    def action_leave_field(self) -> None:
        self.focus()

    def action_revert(self) -> None:
        if self.view is None or not self.dirty:
            return
        self._fill(self.view.values)
        self.notify("Modifications annulées : les réglages enregistrés sont revenus.")

    @holds_keys
    @work(group="settings-save", exclusive=True)
    async def action_save(self) -> None:
        await self.save()

    async def save(self) -> bool:
        """Save the form; False (nothing written, the reasons beside the fields) when it
        cannot be."""
        from packweb_tui.services.settings import SettingsConflict, save_settings

        db, view = self.db, self.view
        if db is None or view is None or self.busy:
            return False
        reading = read_form(self.entries(), self.base)
        if not reading.valid:
            self._refresh_form()
            first = next(f for f in FIELDS if f.key in reading.problems)
            self._control(first.key).focus()
            count = len(reading.problems)
            self.notify(
                f"{plural(count, 'champ')} à corriger, rien n'a été enregistré. "
                f"{first.label} : {reading.problems[first.key]}",
                title="Réglages non enregistrés",
                severity="error",
                markup=False,
            )
            return False
        self.busy = True
        self.refresh_bindings()
        try:
            report = await save_settings(
                db, view.uai, reading.values, self.context.operator, self.base, self.context.now()
            )
        except SettingsConflict as error:
            self.notify(str(error), title="Réglages non enregistrés", severity="error")
            self.reload()  # what the other operator saved: Ctrl+Z takes it
            return False
        except Exception as error:
            detail = failure_words(error)
            self.notify(detail, title="Réglages non enregistrés", severity="error", markup=False)
            return False
        finally:
            self.busy = False
            self.refresh_bindings()
        if report.view.uai == (self.view.uai if self.view else None):
            self.view = report.view
            self._show_closures(report.view)
            self._fill(report.view.values)
        self.notify(report.summary(), title="Réglages")
        return True

    # --- leaving with changes ------------------------------------------------------------------
    def _question(self, then: str) -> Content:
        assert self.view is not None
        labels = [FIELD_BY_KEY[k].label for k in self.changed_keys()]
        more = f" et {plural(len(labels) - 4, 'autre')}" if len(labels) > 4 else ""
        shown = ", ".join(labels[:4]) + more
        return Content(
            f"Les réglages de {self.view.name} ({self.view.uai}) ont des modifications non "
            f"enregistrées : {shown}.\n\nLes enregistrer avant {then} ?"
        )

    async def _ask(self, then: str) -> Answer:
        from packweb_tui.tui.screens.unsaved import UnsavedScreen

        self._asking = True
        try:
            return await self.app.push_screen_wait(UnsavedScreen(self._question(then)))
        finally:
            self._asking = False

    async def _settle(self, then: str) -> bool:
        """Ask what becomes of the changes; True when they are saved or dropped."""
        answer = await self._ask(then)
        if answer == "save":
            return await self.save()
        if answer == "discard" and self.view is not None:
            self._fill(self.view.values)
            return True
        return False

    def _tab_changed(self, old: str, new: str) -> None:
        if old == TAB_ID and new != TAB_ID and self.dirty and not self._asking:
            self.call_later(self._hold_tab, new)

    @holds_keys
    @work(group="settings-leave", exclusive=True)
    async def _hold_tab(self, wanted: str) -> None:
        self.query_ancestor(TabbedContent).active = TAB_ID
        self.focus()
        if await self._settle("de changer d'onglet"):
            await self.app.run_action(f"show_tab('{wanted}')")

    @holds_keys
    @work(group="settings-leave", exclusive=True)
    async def _ask_before_switching(self, uai: str) -> None:
        assert self.view is not None
        old = self.view.uai
        if await self._settle("de changer d'établissement"):
            self.uai = uai
            self.reload()
            return
        # Stay: back to the establishment whose changes are on screen.
        back = next((e for e in self.context.establishments if e.uai == old), None)
        if back is not None:
            self.post_message(ChooseEstablishment(back))

    @holds_keys
    @work(group="settings-leave", exclusive=True)
    async def action_quit(self) -> None:
        if not self.dirty or await self._settle("de quitter"):
            self.app.exit()

    # --- dated closures -------------------------------------------------------------------------
    @on(ClosuresTable.Requested)
    def _closure_request(self, event: ClosuresTable.Requested) -> None:
        event.stop()
        if event.what == "add":
            self.action_add_closure()
        elif event.what == "edit":
            self._change_closure()
        elif event.what == "remove":
            self._remove_closure()

    @holds_keys
    @work(group="settings-closure", exclusive=True)
    async def action_add_closure(self) -> None:
        await self._edit_closure(None)

    @holds_keys
    @work(group="settings-closure", exclusive=True)
    async def _change_closure(self) -> None:
        current = self._current_closure()
        if current is not None:
            await self._edit_closure(current)

    async def _edit_closure(self, closure: ClosureView | None) -> None:
        from packweb_tui.services.settings import add_closure, update_closure
        from packweb_tui.tui.screens.closure_edit import ClosureScreen

        db, view = self.db, self.view
        if db is None or view is None:
            return
        today = self._today()
        if closure is not None and closure.period.is_over(today):
            self.notify(
                f"La période {closure.period.describe()} est terminée : elle ne se modifie plus "
                f"({self.context.key('closures.remove')} la supprime).",
                markup=False,
            )
            return
        others = [c.period for c in view.closures if closure is None or c.id != closure.id]

        async def store(period: ClosurePeriod) -> str | None:
            now = self.context.now()
            operator = self.context.operator
            try:
                if closure is None:
                    await add_closure(db, view.uai, period, operator, now)
                else:
                    await update_closure(db, view.uai, closure.id, period, operator, now)
            except InputError as error:
                return error.message
            except Exception as error:
                detail = failure_words(error)
                return f"Enregistrement impossible : {detail}"
            return None

        previous = closure.period if closure is not None else None
        if await self.app.push_screen_wait(ClosureScreen(store, today, others, previous)):
            self.reload()
            done = "ajoutée" if closure is None else "modifiée"
            self.notify(
                f"Fermeture {done} ; le portail la recevra à la prochaine synchronisation.",
                title="Fermeture par période",
            )

    @holds_keys
    @work(group="settings-closure", exclusive=True)
    async def _remove_closure(self) -> None:
        from packweb_tui.services.settings import remove_closure
        from packweb_tui.tui.screens.decisions import ConfirmScreen

        closure, db, view = self._current_closure(), self.db, self.view
        if closure is None or db is None or view is None:
            return
        question = Content(
            f"Supprimer la fermeture {closure.period.describe()} "
            f"(bloque : {closure.period.blocks()}) ?\n\n"
            "Le portail la perdra à la prochaine synchronisation."
        )
        confirm = ConfirmScreen("Supprimer la fermeture", question, True, yes="Supprimer")
        if not await self.app.push_screen_wait(confirm):
            return
        try:
            await remove_closure(
                db, view.uai, closure.id, self.context.operator, self.context.now()
            )
        except Exception as error:
            detail = failure_words(error)
            self.notify(detail, title="Suppression impossible", severity="error", markup=False)
            return
        self.reload()
        self.notify(f"Fermeture {closure.period.describe()} supprimée.", markup=False)
