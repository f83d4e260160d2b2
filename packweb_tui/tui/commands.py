"""The command palette (ctrl+p): tabs, establishments, help, theme, quit, all in French."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from packweb_tui.tui.app import PackWebApp

Command = tuple[str, Callable[[], object], str]  # (text, what it does, help line)


def fold(text: str) -> str:
    """Accents off, lower case, one character for one (a match's offsets stay valid): the
    operator types « etablissement » or « theme » as often as « Établissement »."""
    return "".join((unicodedata.normalize("NFKD", c)[:1] or c).casefold()[:1] for c in text)


def search_hits(provider: Provider, query: str, commands: Iterable[Command]) -> list[Hit]:
    """Textual's fuzzy match, on the folded texts, highlighted on the real ones."""
    matcher = provider.matcher(fold(query))
    hits = []
    for text, command, help_text in commands:
        score, offsets = matcher.fuzzy_search.match(matcher.query, fold(text))
        if score > 0:
            shown = Content(text)
            for offset in offsets:
                if not text[offset].isspace():
                    shown = shown.stylize(matcher.match_style, offset, offset + 1)
            hits.append(Hit(score, shown, command, text, help_text or None))
    return hits


def _app(provider: Provider) -> PackWebApp:
    from packweb_tui.tui.app import PackWebApp

    assert isinstance(provider.app, PackWebApp)
    return provider.app


class PackWebCommands(Provider):
    """Every command of the console. Those listed before anything is typed are the first
    ones; a theme or an establishment is found by typing its name."""

    async def startup(self) -> None:
        app = _app(self)
        if app.db is not None:  # a fresh list: establishments may have been added meanwhile
            from packweb_tui.services.establishments import list_establishments

            app.establishments = await list_establishments(app.db)

    def commands(self) -> list[Command]:
        from packweb_tui.tui.screens.console import TABS

        app = _app(self)
        found: list[Command] = [
            (
                f"Onglet {label}",
                partial(app.show_tab, tab_id),
                f"Aller à l'onglet {label} (touche {n})",
            )
            for n, (tab_id, label, _) in enumerate(TABS, start=1)
        ]
        found += [
            (
                "Changer d'établissement…",
                app.action_switch_establishment,
                "Choisir l'établissement dans la liste (Ctrl+E)",
            ),
            (
                "Nom et adresse de l'établissement…",
                app.action_edit_establishment,
                "L'en-tête des lettres d'identifiants de l'établissement en cours",
            ),
            ("Aide : les touches", app.action_help, "Toutes les touches de l'écran (F1 ou ?)"),
            ("Changer de thème…", partial(choose_theme, app), "Couleurs de la console"),
            ("Quitter", app.action_quit, "Quitter la console (q ou Ctrl+Q)"),
        ]
        current = app.establishment.uai if app.establishment else None
        found += [
            (
                f"Établissement : {e.uai} {e.name}",
                partial(app.select_establishment, e),
                "Établissement en cours"
                if e.uai == current
                else "Travailler sur cet établissement",
            )
            for e in app.establishments
        ]
        return found

    async def discover(self) -> Hits:
        for text, command, help_text in self.commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        for hit in search_hits(self, query, self.commands() + theme_commands(_app(self))):
            yield hit


def theme_commands(app: PackWebApp) -> list[Command]:
    def use(name: str) -> None:
        app.theme = name

    return [
        (f"Thème : {name}", partial(use, name), "Thème en cours" if name == app.theme else "")
        for name in sorted(app.available_themes)
    ]


class ThemeCommands(Provider):
    """The themes of Textual, for "Changer de thème…"."""

    async def discover(self) -> Hits:
        for text, command, help_text in theme_commands(_app(self)):
            yield DiscoveryHit(text, command, help=help_text or None)

    async def search(self, query: str) -> Hits:
        for hit in search_hits(self, query, theme_commands(_app(self))):
            yield hit


def choose_theme(app: PackWebApp) -> None:
    from packweb_tui.tui.widgets.palette import Palette

    app.push_screen(Palette(providers=[ThemeCommands], placeholder="Rechercher un thème…"))
