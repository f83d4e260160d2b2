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

from rich.text import Text
from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content, Span
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Input, Label, Static, TabbedContent

from packweb_tui.domain.dates import PARIS, format_instant
from packweb_tui.domain.errors import InputError
from packweb_tui.domain.settings import (
    FIELD_BY_KEY,
    FIELDS,
    ClosurePeriod,
    Kind,
    PortalSettingsValues,
    format_day,
    format_setting,
    parse_setting,
    read_form,
)
from packweb_tui.domain.wording import plural
from packweb_tui.services.errors import first_line
from packweb_tui.tui.context import ChooseEstablishment
from packweb_tui.tui.panes.pane import OPENING, StorePane

if TYPE_CHECKING:
    from datetime import date

    from textual.app import ComposeResult

    from packweb_tui.services.settings import ClosureView, SettingsView
    from packweb_tui.store.database import Database
    from packweb_tui.tui.screens.unsaved import Answer

TAB_ID = "settings"
WIDE = 120  # from this width, the continuous closure stands beside the form, as in the guide
CONTINUOUS = ("block_online_payment", "block_online_reservation")
SHORT_KINDS = (Kind.COUNT, Kind.EUROS, Kind.LEAD)
STATES = {"past": "passée", "current": "en cours", "coming": "à venir"}


class ClosuresTable(DataTable[str | Text]):
    """The dated closures; its keys ask the pane to add, change or delete one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "request('edit')", "Modifier", id="closures.edit",
                tooltip="Modifier la fermeture sous le curseur"),
        Binding("a,insert", "request('add')", "Ajouter", id="closures.add",
                tooltip="Ajouter une fermeture par période"),
        Binding("delete,d", "request('remove')", "Supprimer", id="closures.remove",
                key_display="Suppr", tooltip="Supprimer la fermeture sous le curseur"),
    ]  # fmt: skip

    class Requested(Message):
        def __init__(self, what: str) -> None:
            super().__init__()
            self.what = what

    def action_request(self, what: str) -> None:
        self.post_message(self.Requested(what))


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
            with Horizontal(id="settings-columns"):
                with Vertical(id="settings-form"):
                    for field in FIELDS:
                        if field.key not in CONTINUOUS:
                            yield self._row(field.key)
                with Vertical(id="settings-continuous"):
                    yield Label("Fermeture continue", classes="settings-section")
                    for key in CONTINUOUS:
                        yield self._row(key)
            yield Label("Fermeture par périodes", classes="settings-section")
            yield ClosuresTable(id="settings-closures", cursor_type="row", zebra_stripes=True)
            yield Static("", id="settings-closures-note")

    def _row(self, key: str) -> Widget:
        field = FIELD_BY_KEY[key]
        control: Widget
        if field.kind is Kind.SWITCH:
            control = Checkbox("oui", True, compact=True, id=f"field-{key}")
        else:
            short = "short" if field.kind in SHORT_KINDS else None
            control = Input(compact=True, id=f"field-{key}", classes=short)
        label = field.label + (" *" if field.required else "")
        return Horizontal(
            Static("", classes="setting-mark", id=f"mark-{key}"),
            Label(label, classes="setting-label", id=f"label-{key}"),
            Vertical(
                control,
                Static("", classes="setting-message", id=f"message-{key}", markup=False),
                classes="setting-control",
            ),
            classes="setting-row",
            id=f"row-{key}",
        )

    def on_mount(self) -> None:
        self.query_one("#settings-body").display = False
        table = self.query_one(ClosuresTable)
        table.add_column("Du", key="from", width=10)
        table.add_column("Au", key="to", width=10)
        table.add_column("État", key="state", width=8)
        table.add_column("Bloque", key="blocks", width=23)
        table.add_column("Libellé", key="label")
        tabs = self.query_ancestor(TabbedContent)
        self.watch(tabs, "active", self._tab_changed, init=False)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= WIDE, "-wide")

    def focus_table(self) -> None:
        # The pane itself: the digits still change tab; Enter goes into the form.
        if self.query_one("#settings-body").display:
            self.focus()

    def _control(self, key: str) -> Input | Checkbox:
        control = self.query_one(f"#field-{key}")
        assert isinstance(control, Input | Checkbox)
        return control

    def entries(self) -> dict[str, str | bool]:
        """What the form holds: text as typed, switches as booleans."""
        values: dict[str, str | bool] = {}
        for field in FIELDS:
            control = self._control(field.key)
            values[field.key] = control.value
        return values

    def changed_keys(self) -> list[str]:
        """The fields that differ from the settings the form was filled with."""
        changed = []
        for key, entry in self.entries().items():
            saved = self.base.get(key)
            if isinstance(entry, bool):
                differs = entry != saved
            else:
                try:
                    differs = parse_setting(key, entry) != saved
                except InputError:
                    differs = entry.strip() != format_setting(key, saved, for_form=True)
            if differs:
                changed.append(key)
        return changed

    @property
    def dirty(self) -> bool:
        return self.view is not None and bool(self.changed_keys())

    def _fill(self, values: PortalSettingsValues) -> None:
        self.base = values
        for field in FIELDS:
            control = self._control(field.key)
            value = values.get(field.key)
            if isinstance(control, Checkbox):
                control.value = bool(value)
            else:
                control.value = format_setting(field.key, value, for_form=True)
        self._refresh_form()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self._refresh_form()

    @on(Checkbox.Changed)
    def _switched(self, event: Checkbox.Changed) -> None:
        key = (event.checkbox.id or "").removeprefix("field-")
        for field in FIELDS:
            if field.depends_on == key and not event.value:
                # Turned off: a wrong value typed there is forgotten, not kept hidden.
                dependent = self._control(field.key)
                assert isinstance(dependent, Input)
                try:
                    parse_setting(field.key, dependent.value)
                except InputError:
                    dependent.value = format_setting(
                        field.key, self.base.get(field.key), for_form=True
                    )
        self._refresh_form()

    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def _focus_moved(self) -> None:
        self._refresh_form()  # the hint of the field with the focus

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()

    def _refresh_form(self) -> None:
        """Messages beside the fields, greyed dependents, marks of changes, the status."""
        if self.view is None:
            return
        entries = self.entries()
        reading = read_form(entries, self.base)
        changed = set(self.changed_keys())
        focused = self.screen.focused
        for field in FIELDS:
            control = self._control(field.key)
            if field.depends_on is not None:
                control.disabled = entries.get(field.depends_on) is False
            if isinstance(control, Checkbox) and str(control.label) != (
                word := "oui" if control.value else "non"
            ):
                control.label = word
            message = self.query_one(f"#message-{field.key}", Static)
            problem = reading.problems.get(field.key)
            hint = field.hint if focused is control else ""
            self._put(message, Content(problem or hint))
            message.set_class(problem is not None, "-error")
            message.display = bool(problem or hint)
            mark = self.query_one(f"#mark-{field.key}", Static)
            self._put(mark, Content("●" if field.key in changed else ""))
            self.query_one(f"#row-{field.key}").set_class(field.key in changed, "-changed")
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
        table = self.query_one(ClosuresTable)
        current = self._current_closure()
        table.clear()
        today = self._today()
        for closure in view.closures:
            period = closure.period
            state = (
                "past" if period.is_over(today) else "current" if period.covers(today) else "coming"
            )
            style = {"past": "dim", "current": "bold", "coming": ""}[state]
            table.add_row(
                *(
                    Text(text, style=style)
                    for text in (
                        format_day(period.starts_on),
                        format_day(period.ends_on),
                        STATES[state],
                        period.blocks(),
                        period.label,
                    )
                ),
                key=str(closure.id),
            )
        ids = [c.id for c in view.closures]
        if current is not None and current.id in ids:
            table.move_cursor(row=ids.index(current.id))
        key = self.context.key
        if view.closures:
            note = (
                f"{key('closures.edit')} : modifier · {key('closures.add')} : ajouter · "
                f"{key('closures.remove')} : supprimer"
            )
        else:
            note = (
                f"Aucune fermeture par période. {key('settings.add_closure')} (ou "
                f"{key('closures.add')} dans la liste) : en ajouter une."
            )
        self.query_one("#settings-closures-note", Static).update(Content(note))

    def _current_closure(self) -> ClosureView | None:
        if self.view is None or not self.view.closures:
            return None
        row = self.query_one(ClosuresTable).cursor_row
        closures = self.view.closures
        return closures[row] if 0 <= row < len(closures) else None

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
            detail = first_line(error)
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
        shown = ", ".join(labels[:4]) + (f" et {len(labels) - 4} autres" if len(labels) > 4 else "")
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

    @work(group="settings-leave", exclusive=True)
    async def _hold_tab(self, wanted: str) -> None:
        self.query_ancestor(TabbedContent).active = TAB_ID
        self.focus()
        if await self._settle("de changer d'onglet"):
            await self.app.run_action(f"show_tab('{wanted}')")

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

    @work(group="settings-leave", exclusive=True)
    async def action_quit(self) -> None:
        if not self.dirty or await self._settle("de quitter"):
            self.app.exit()

    # --- dated closures -------------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # Enter is the table's "Modifier", handled through Requested

    @on(ClosuresTable.Requested)
    def _closure_request(self, event: ClosuresTable.Requested) -> None:
        event.stop()
        if event.what == "add":
            self.action_add_closure()
        elif event.what == "edit":
            self._change_closure()
        elif event.what == "remove":
            self._remove_closure()

    @work(group="settings-closure", exclusive=True)
    async def action_add_closure(self) -> None:
        await self._edit_closure(None)

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
                detail = first_line(error)
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
            detail = first_line(error)
            self.notify(detail, title="Suppression impossible", severity="error", markup=False)
            return
        self.reload()
        self.notify(f"Fermeture {closure.period.describe()} supprimée.", markup=False)
