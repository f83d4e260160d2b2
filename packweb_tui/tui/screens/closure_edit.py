"""The dialog of one dated closure ("Fermeture par périodes"): its label, its first and last
days (typed JJ/MM/AAAA or picked from the calendar with ↓), what it blocks. Checked as it is
typed, with the rules the service applies again on saving; it closes once saved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static

from packweb_tui.domain.closures import ClosurePeriod, clean_label, closure_problems
from packweb_tui.domain.dates import format_day, long_day, parse_day
from packweb_tui.domain.errors import InputError
from packweb_tui.tui.context import console_context
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.keys import legend
from packweb_tui.tui.typeahead import holds_keys
from packweb_tui.tui.widgets.date_field import DateField
from packweb_tui.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult

# Saves the period; gives back why it could not be saved, or None once it is.
SaveClosure = Callable[[ClosurePeriod], Awaitable[str | None]]


class ClosureScreen(ModalScreen[bool]):
    """Add (`previous` None) or change a dated closure; True once saved."""

    CSS_PATH = css_paths("decisions", "closure_edit")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s", "save", "Enregistrer", id="closure.save", tooltip="Enregistrer la période"
        ),
        Binding(
            "escape", "cancel", "Annuler", id="closure.cancel", tooltip="Fermer sans enregistrer"
        ),
    ]

    def __init__(
        self,
        save: SaveClosure,
        today: date,
        others: Sequence[ClosurePeriod],
        previous: ClosurePeriod | None = None,
    ) -> None:
        super().__init__(classes="decision", id="closure-edit")
        self._save = save
        self._today = today
        self._others = list(others)
        self._previous = previous
        self._saving = False
        self._tried = False  # a save was asked for: empty fields are now errors

    def compose(self) -> ComposeResult:
        period = self._previous
        marked = [(o.starts_on, o.ends_on) for o in self._others]
        title = "Nouvelle fermeture" if period is None else "Modifier la fermeture"
        with Vertical(classes="decision-dialog closure-dialog"):
            yield Label(title, classes="decision-title")
            with Horizontal(classes="closure-row"):
                yield Label("Libellé", classes="closure-label")
                yield Input(
                    period.label if period else "",
                    placeholder="Vacances de Noël…",
                    max_length=100,
                    compact=True,
                    id="closure-name",
                )
            for key, word, day in (
                ("starts_on", "Du", period.starts_on if period else None),
                ("ends_on", "Au", period.ends_on if period else None),
            ):
                with Horizontal(classes="closure-row"):
                    yield Label(word, classes="closure-label")
                    yield DateField(
                        self._today,
                        f"Fermeture : {'premier' if key == 'starts_on' else 'dernier'} jour",
                        format_day(day) if day else "",
                        marked,
                        id=f"closure-{key}",
                    )
                    yield Static("", id=f"closure-{key}-note", classes="closure-note")
            with Horizontal(classes="closure-row"):
                yield Label("Bloquer", classes="closure-label")
                with Vertical(classes="closure-blocks"):
                    yield Checkbox(
                        "le paiement en ligne",
                        period.block_payment if period else True,
                        compact=True,
                        id="closure-payment",
                    )
                    yield Checkbox(
                        "la réservation en ligne",
                        period.block_reservation if period else True,
                        compact=True,
                        id="closure-reservation",
                    )
            yield Static("", id="closure-problem")
            keys_of = console_context(self).keys
            yield Static(
                legend(
                    (["Entrée", *keys_of("closure.save")], "Enregistrer"),  # Entrée: the field's
                    (keys_of("date.calendar"), "Calendrier"),
                    (keys_of("closure.cancel"), "Annuler"),
                ),
                classes="decision-keys",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#closure-name", Input).focus()
        self._check()

    # --- reading and checking -----------------------------------------------------------------
    def _read(self) -> tuple[ClosurePeriod | None, dict[str, str]]:
        """The period typed (None while a part is wrong) and what is wrong, by part."""
        problems: dict[str, str] = {}
        days: dict[str, date] = {}
        for key in ("starts_on", "ends_on"):
            field = self.query_one(f"#closure-{key}", DateField)
            try:
                days[key] = parse_day(field.value)
            except InputError as error:
                problems[key] = error.message
        try:
            label = clean_label(self.query_one("#closure-name", Input).value)
        except InputError as error:
            problems["label"] = error.message
            label = ""
        if len(days) < 2:
            return None, problems
        period = ClosurePeriod(
            days["starts_on"],
            days["ends_on"],
            label,
            self.query_one("#closure-payment", Checkbox).value,
            self.query_one("#closure-reservation", Checkbox).value,
        )
        problems.update(closure_problems(period, self._others, self._today, self._previous))
        return (None if problems else period), problems

    def _check(self) -> tuple[ClosurePeriod | None, dict[str, str]]:
        period, problems = self._read()
        for key in ("starts_on", "ends_on"):
            field = self.query_one(f"#closure-{key}", DateField)
            note = self.query_one(f"#closure-{key}-note", Static)
            # Still being typed (or not yet): a hint; a save tried, or a whole date: the verdict.
            typing = not field.value or (field.has_focus and len(field.value) < 10)
            if key in problems and not (typing and not self._tried):
                note.update(Content.styled(problems[key], "$text-error"))
            elif field.day is not None:
                note.update(Content.styled(long_day(field.day), "$text-muted"))
            else:
                hint = f"JJ/MM/AAAA, ou {console_context(self).key('date.calendar')} : calendrier"
                note.update(Content.styled(hint, "$text-muted"))
        if (start := self.query_one("#closure-starts_on", DateField).day) is not None:
            self.query_one("#closure-ends_on", DateField).fallback = start
        lines = [problems[k] for k in ("period", "blocks", "label") if k in problems]
        self.query_one("#closure-problem", Static).update(
            Content.styled("\n".join(lines), "$text-error")
        )
        return period, problems

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(events.DescendantBlur)
    def _changed(self) -> None:
        self._check()

    # --- saving -------------------------------------------------------------------------------
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        self._tried = True
        period, problems = self._check()
        if period is None:
            first = next(iter(problems.values()), "date JJ/MM/AAAA attendue")
            self.notify(first, title="Période non enregistrée", severity="error", markup=False)
            return
        if not self._saving:
            self._saving = True
            self._store(period)

    @holds_keys
    @work(group="closure-save", exclusive=True)
    async def _store(self, period: ClosurePeriod) -> None:
        try:
            problem = await self._save(period)
        finally:
            self._saving = False
        if problem is None:
            self.dismiss(True)
            return
        self.query_one("#closure-problem", Static).update(Content.styled(problem, "$text-error"))

    def action_cancel(self) -> None:
        self.dismiss(False)
