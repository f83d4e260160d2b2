"""The dialog of the establishment's name, postal address and telephone, as its letters print
them at the top (the credentials letters, the édition). Checked as it is typed, with the rules
the service applies again on saving."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from packweb_tui.domain.errors import InputError
from packweb_tui.tui.context import console_context
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.keys import legend
from packweb_tui.tui.typeahead import holds_keys
from packweb_tui.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult

# Saves the name, the address lines and the phone ("": none); gives back why it could not,
# or None once saved.
SaveEstablishment = Callable[[str, list[str], str], Awaitable[str | None]]


class EstablishmentEditScreen(ModalScreen[bool]):
    """True once saved."""

    CSS_PATH = css_paths("decisions", "establishment_edit")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Enregistrer", id="establishment_edit.save",
                tooltip="Enregistrer le nom, l'adresse et le téléphone"),
        Binding("escape", "cancel", "Annuler", id="establishment_edit.cancel",
                tooltip="Fermer sans enregistrer"),
    ]  # fmt: skip

    def __init__(
        self,
        save: SaveEstablishment,
        uai: str,
        name: str,
        address: Sequence[str],
        phone: str | None = None,
    ):
        super().__init__(classes="decision", id="establishment-edit")
        self._save = save
        self._uai = uai
        self._name = name
        self._address = "\n".join(address)
        self._phone = phone or ""
        self._saving = False

    def compose(self) -> ComposeResult:
        # Here, not above: the service loads SQLAlchemy (tui/keymap.py imports this module).
        from packweb_tui.domain.phones import PHONE_MAX
        from packweb_tui.services.establishments import MAX_ADDRESS_LINES

        with Vertical(classes="decision-dialog establishment-dialog"):
            yield Label(f"Établissement {self._uai}", classes="decision-title")
            yield Label("Nom", classes="establishment-label")
            yield Input(self._name, max_length=200, compact=True, id="establishment-name")
            yield Label(
                f"Adresse postale, en tête des lettres ({MAX_ADDRESS_LINES} lignes au plus)",
                classes="establishment-label",
            )
            yield TextArea(self._address, soft_wrap=False, compact=True, id="establishment-address")
            yield Label("Téléphone, sous l'adresse (facultatif)", classes="establishment-label")
            yield Input(self._phone, max_length=PHONE_MAX, compact=True, id="establishment-phone")
            yield Static("", id="establishment-problem")
            keys_of = console_context(self).keys
            yield Static(
                legend(
                    (keys_of("establishment_edit.save"), "Enregistrer"),
                    (["Tab"], "Champ suivant"),  # Textual's own focus_next
                    (keys_of("establishment_edit.cancel"), "Annuler"),
                ),
                classes="decision-keys",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#establishment-name", Input).focus()

    def _read(self) -> tuple[str, list[str], str, str | None]:
        """The name, the address lines, the phone, and what is wrong with them (None:
        nothing)."""
        from packweb_tui.domain.phones import normalize_phone
        from packweb_tui.services.establishments import address_text

        name = self.query_one("#establishment-name", Input).value
        lines = self.query_one("#establishment-address", TextArea).text.splitlines()
        phone = self.query_one("#establishment-phone", Input).value
        if not name.strip():
            return name, lines, phone, "le nom ne peut pas être vide"
        try:
            address_text(lines)
            normalize_phone(phone)
        except InputError as error:
            return name, lines, phone, error.message
        return name, lines, phone, None

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _check(self) -> None:
        problem = self._read()[3]
        self.query_one("#establishment-problem", Static).update(
            Content.styled(problem or "", "$text-error")
        )

    @on(Input.Submitted, "#establishment-name")
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#establishment-address", TextArea).focus()

    def action_save(self) -> None:
        name, lines, phone, problem = self._read()
        if problem is not None:
            self.notify(problem, title="Non enregistré", severity="error", markup=False)
            return
        if not self._saving:
            self._saving = True
            self._store(name, lines, phone)

    @holds_keys
    @work(group="establishment-save", exclusive=True)
    async def _store(self, name: str, lines: list[str], phone: str) -> None:
        try:
            problem = await self._save(name, lines, phone)
        finally:
            self._saving = False
        if problem is None:
            self.dismiss(True)
            return
        self.query_one("#establishment-problem", Static).update(
            Content.styled(problem, "$text-error")
        )

    def action_cancel(self) -> None:
        self.dismiss(False)
