"""The command palette (ctrl+p): tabs, establishments, help, theme, quit, all in French."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from packweb_tui.tui.context import ChooseEstablishment, console_context

if TYPE_CHECKING:
    from textual.app import App

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


class PackWebCommands(Provider):
    """Every command of the console. Those listed before anything is typed are the first
    ones; a theme or an establishment is found by typing its name."""

    async def startup(self) -> None:
        context = console_context(self.app)
        if context.db is not None:  # a fresh list: establishments may have been added meanwhile
            from packweb_tui.services.establishments import list_establishments

            context.establishments = await list_establishments(context.db)

    def commands(self) -> list[Command]:
        from packweb_tui.tui.screens.console import TABS

        app, context = self.app, console_context(self.app)
        key = context.key

        def action(name: str) -> Callable[[], object]:
            return partial(app.run_action, name)

        found: list[Command] = [
            (
                f"Onglet {label}",
                action(f"show_tab('{tab_id}')"),
                f"Aller à l'onglet {label} (touche {key(f'tab.{tab_id}')})",
            )
            for tab_id, label, _ in TABS
        ]
        found += [
            (
                "Changer d'établissement…",
                action("switch_establishment"),
                f"Choisir l'établissement dans la liste ({key('establishment.switch')})",
            ),
            (
                "Nom, adresse et téléphone de l'établissement…",
                action("edit_establishment"),
                "L'en-tête des lettres d'identifiants de l'établissement en cours",
            ),
            (
                "Aide : les touches",
                action("help"),
                f"Toutes les touches de l'écran ({' ou '.join(context.keys('app.help'))})",
            ),
            ("Changer de thème…", partial(choose_theme, app), "Couleurs de la console"),
            (
                "Quitter",
                action("quit"),
                f"Quitter la console ({key('app.quit')} ou {key('app.quit_anywhere')})",
            ),
        ]
        current = context.establishment.uai if context.establishment else None
        found += [
            (
                f"Établissement : {e.uai} {e.name}",
                partial(app.post_message, ChooseEstablishment(e)),
                "Établissement en cours"
                if e.uai == current
                else "Travailler sur cet établissement",
            )
            for e in context.establishments
        ]
        return found

    async def discover(self) -> Hits:
        for text, command, help_text in self.commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        for hit in search_hits(self, query, self.commands() + theme_commands(self.app)):
            yield hit


def theme_commands(app: App[object]) -> list[Command]:
    def use(name: str) -> None:
        app.theme = name

    return [
        (f"Thème : {name}", partial(use, name), "Thème en cours" if name == app.theme else "")
        for name in sorted(app.available_themes)
    ]


class ThemeCommands(Provider):
    """The themes of Textual, for "Changer de thème…"."""

    async def discover(self) -> Hits:
        for text, command, help_text in theme_commands(self.app):
            yield DiscoveryHit(text, command, help=help_text or None)

    async def search(self, query: str) -> Hits:
        for hit in search_hits(self, query, theme_commands(self.app)):
            yield hit


def choose_theme(app: App[object]) -> None:
    from packweb_tui.tui.widgets.palette import Palette

    app.push_screen(Palette(providers=[ThemeCommands], placeholder="Rechercher un thème…"))
