"""One setting of the Configuration form: a mark while it is changed, its label, its field (a
text, or a switch that says oui or non) and, under the field, what is wrong with the value
typed or, while the field has the focus, how to write it. The styles are the pane's
(styles/settings.tcss): the row is laid out as one of its form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import var
from textual.widgets import Checkbox, Input, Label, Static

from packweb_tui.domain.errors import InputError
from packweb_tui.domain.settings import (
    Kind,
    SettingField,
    SettingValue,
    format_setting,
    parse_setting,
)

if TYPE_CHECKING:
    from textual.app import ComposeResult

SHORT_KINDS = (Kind.COUNT, Kind.EUROS, Kind.LEAD)


class SettingRow(Horizontal):
    """The row of `field`; the pane sets `problem` and `changed`, the row shows them."""

    problem: var[str | None] = var(None, init=False)  # why the value typed is refused
    changed: var[bool] = var(False, init=False)  # it differs from the saved setting
    hint: var[str] = var("", init=False)  # the field's hint, while the field has the focus

    def __init__(self, field: SettingField) -> None:
        super().__init__(classes="setting-row", id=f"row-{field.key}")
        self.field = field
        self.control: Input | Checkbox
        if field.kind is Kind.SWITCH:
            self.control = Checkbox("oui", True, compact=True, id=f"field-{field.key}")
        else:
            short = "short" if field.kind in SHORT_KINDS else None
            self.control = Input(compact=True, id=f"field-{field.key}", classes=short)
        self._said = ""  # the message shown (see _show_message)

    def compose(self) -> ComposeResult:
        yield Static("", classes="setting-mark")
        yield Label(
            self.field.label + (" *" if self.field.required else ""), classes="setting-label"
        )
        with Vertical(classes="setting-control"):
            yield self.control
            message = Static("", classes="setting-message", markup=False)
            message.display = False
            yield message

    def on_mount(self) -> None:
        if isinstance(self.control, Checkbox):
            self.watch(self.control, "value", self._switched, init=False)

    # --- the value ---------------------------------------------------------------------------
    @property
    def entry(self) -> str | bool:
        """What the field holds: the text as typed, a switch as a boolean."""
        return self.control.value

    def fill(self, value: SettingValue) -> None:
        """Put the setting's `value` in the field, as the form writes it."""
        if isinstance(self.control, Checkbox):
            self.control.value = bool(value)
        else:
            self.control.value = format_setting(self.field.key, value, for_form=True)

    def differs(self, saved: SettingValue) -> bool:
        """Whether the field holds something else than `saved` (a wrong text is compared as
        written)."""
        entry, key = self.entry, self.field.key
        if isinstance(entry, bool):
            return entry != saved
        try:
            return parse_setting(key, entry) != saved
        except InputError:
            return entry.strip() != format_setting(key, saved, for_form=True)

    # --- what the row shows -------------------------------------------------------------------
    def _switched(self, on: bool) -> None:
        assert isinstance(self.control, Checkbox)
        self.control.label = "oui" if on else "non"

    def watch_problem(self) -> None:
        self._show_message()

    def watch_hint(self) -> None:
        self._show_message()

    def _show_message(self) -> None:
        text = self.problem or self.hint
        message = self.query_one(".setting-message", Static)
        # Only when it changes: each update lays the whole console out again (some 50 ms),
        # and the form is gone through at every key.
        if text != self._said:
            self._said = text
            message.update(Content(text))
        message.set_class(self.problem is not None, "-error")
        message.display = bool(text)

    def watch_changed(self, changed: bool) -> None:
        self.query_one(".setting-mark", Static).update(Content("●" if changed else ""))
        self.set_class(changed, "-changed")

    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def _focus_moved(self) -> None:
        self.hint = self.field.hint if self.screen.focused is self.control else ""

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()
