"""The help screen: every key that works where the operator is, read from the bindings
themselves (so it never drifts from what the keys do)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from packweb_tui.tui.context import ConsoleContext, console_context
from packweb_tui.tui.css import css_paths
from packweb_tui.tui.keymap import bound_keys
from packweb_tui.tui.keys import BUILTIN_DESCRIPTIONS, key_label
from packweb_tui.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.dom import DOMNode

Section = tuple[str, list[tuple[str, str]]]  # (title, [(keys, what they do)])
SCREEN_KEYS, WIDGET_KEYS, APP_KEYS = "Sur cet écran", "Élément actif", "Partout"


def describe(binding: Binding) -> str | None:
    """What the binding does, in French; None for a Textual binding we have no words for.
    Our bindings all have an id and French words (the tooltip says more than the footer's
    short description); Textual's have neither."""
    if binding.id is None:
        return BUILTIN_DESCRIPTIONS.get(binding.action)
    return binding.tooltip or binding.description or None


def key_sections(screen: Screen[object]) -> list[Section]:
    """The keys active on `screen` (given what has the focus), by where they act."""
    found: dict[str, dict[tuple[str, str], list[str]]] = {
        SCREEN_KEYS: {},
        WIDGET_KEYS: {},
        APP_KEYS: {},
    }

    def add(node: DOMNode, key: str, binding: Binding) -> None:
        description = describe(binding)
        # No Super key reaches a console over SSH.
        if binding.system or description is None or key.startswith("super+"):
            return
        where = (
            APP_KEYS if isinstance(node, App) else SCREEN_KEYS if node is screen else WIDGET_KEYS
        )
        keys = found[where].setdefault((binding.action, description), [])
        if key_label(key) not in keys:
            keys.append(key_label(key))

    for key, active in screen.active_bindings.items():
        add(active.node, key, active.binding)
    if screen.is_modal:
        # A dialog hides the application's keys, except those with priority (ctrl+q...),
        # bound as the configuration says.
        keymap = console_context(screen).keymap
        for binding in Binding.make_bindings(type(screen.app).BINDINGS):
            if binding.priority:
                for key in bound_keys(binding.id, keymap) if binding.id else [binding.key]:
                    add(screen.app, key, binding)
    # Ours first, then what Textual's widgets bring (Tab, arrows...).
    return [
        (
            title,
            sorted(
                ((", ".join(keys), description) for (_, description), keys in rows.items()),
                key=lambda row: row[1] in BUILTIN_DESCRIPTIONS.values(),
            ),
        )
        for title, rows in found.items()
        if rows
    ]


def render_sections(sections: list[Section]) -> Content:
    width = max((len(keys) for _, rows in sections for keys, _ in rows), default=0) + 3
    blocks = [
        Content("\n").join(
            [
                Content.styled(title, "bold $accent"),
                *(
                    Content.assemble(("  " + keys.ljust(width), "bold"), description)
                    for keys, description in rows
                ),
            ]
        )
        for title, rows in sections
    ]
    return Content("\n\n").join(blocks)


def where_it_works(context: ConsoleContext) -> Content:
    """The database the console has open and the configuration file it read: a mistyped
    path shows here."""
    config = str(context.config.path) if context.config.path else "aucun fichier (par défaut)"
    rows = [("Base de données", context.database), ("Configuration", config)]
    width = max(len(title) for title, _ in rows) + 2
    return Content("\n").join(
        Content.assemble((title.ljust(width), "bold"), value) for title, value in rows
    )


class HelpScreen(ModalScreen[None]):
    CSS_PATH = css_paths("help")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,f1,question_mark,q",
            "close",
            "Fermer",
            id="help.close",
            key_display="Échap",
            tooltip="Fermer l'aide",
        ),
    ]

    def __init__(self, sections: list[Section]) -> None:
        super().__init__(id="help")
        self._sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            # Title and place docked together: the list's height then leaves room for them
            # and its last line shows (Fin, Pg↓).
            with Vertical(id="help-head"):
                yield Label("Aide : les touches", id="help-title")
                yield Static(where_it_works(console_context(self)), id="help-where")
            with VerticalScroll(id="help-keys"):
                yield Static(render_sections(self._sections))
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#help-keys").focus()  # arrows and pages scroll the list

    def action_close(self) -> None:
        self.dismiss(None)
