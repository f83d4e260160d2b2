"""The form of the Configuration pane: every field of the guide in its order, one row each
(widgets/setting_row.py), the continuous closure apart (beside the form on a wide screen, as
on the guide's screen). The form shows what the pane read from it; the pane keeps the values
it was filled with."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label

from packweb_tui.domain.errors import InputError
from packweb_tui.domain.settings import FIELD_BY_KEY, FIELDS, PortalSettingsValues, parse_setting
from packweb_tui.tui.widgets.setting_row import SettingRow

if TYPE_CHECKING:
    from textual.app import ComposeResult

CONTINUOUS = ("block_online_payment", "block_online_reservation")


class SettingsForm(Horizontal):
    def __init__(self) -> None:
        super().__init__(id="settings-columns")

    def compose(self) -> ComposeResult:
        with Vertical(id="settings-form"):
            for field in FIELDS:
                if field.key not in CONTINUOUS:
                    yield SettingRow(field)
        with Vertical(id="settings-continuous"):
            yield Label("Fermeture continue", classes="settings-section")
            for key in CONTINUOUS:
                yield SettingRow(FIELD_BY_KEY[key])

    @property
    def rows(self) -> dict[str, SettingRow]:
        """The rows by setting key, in the guide's order."""
        rows = {row.field.key: row for row in self.query(SettingRow)}
        return {field.key: rows[field.key] for field in FIELDS}

    def entries(self) -> dict[str, str | bool]:
        """What the form holds: text as typed, switches as booleans."""
        return {key: row.entry for key, row in self.rows.items()}

    def changed_keys(self, base: PortalSettingsValues) -> list[str]:
        """The fields that differ from the settings `base`."""
        return [key for key, row in self.rows.items() if row.differs(base.get(key))]

    def fill(self, values: PortalSettingsValues) -> None:
        for key, row in self.rows.items():
            row.fill(values.get(key))

    def turned_off(self, switch: Checkbox, base: PortalSettingsValues) -> None:
        """A wrong value typed in a field that `switch` turns off is forgotten (the one of
        `base` comes back), not kept hidden."""
        key = switch.query_ancestor(SettingRow).field.key
        for row in self.rows.values():
            if row.field.depends_on == key:
                assert isinstance(row.control, Input)
                try:
                    parse_setting(row.field.key, row.control.value)
                except InputError:
                    row.fill(base.get(row.field.key))

    def show(self, problems: Mapping[str, str], changed: Collection[str]) -> None:
        """Each row's problem and change; a field turned off by its switch greyed."""
        rows = self.rows
        for key, row in rows.items():
            depends_on = row.field.depends_on
            if depends_on is not None:
                row.control.disabled = rows[depends_on].entry is False
            row.problem = problems.get(key)
            row.changed = key in changed
