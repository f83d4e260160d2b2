"""Identifiants: the portal accounts and the delivery of their credentials letters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from packweb_tui.tui.panes.pane import OverviewPane, plural, table

if TYPE_CHECKING:
    from packweb_tui.services.overview import CredentialsOverview
    from packweb_tui.store.database import Database


class CredentialsPane(OverviewPane):
    DESCRIPTION = (
        "Les comptes du portail créés pour les demandes acceptées, et la remise de leurs "
        "identifiants : lettre envoyée par courriel ou imprimée. Le mot de passe initial "
        "n'est gardé que jusqu'à la remise."
    )

    async def figures(self, db: Database, uai: str) -> Content:
        from packweb_tui.services.overview import credentials_overview

        return render(await credentials_overview(db, uai))


def render(view: CredentialsOverview) -> Content:
    head = Content.from_markup(f"[b]{plural(view.accounts, 'compte')} sur le portail[/b]")
    if not view.accounts:
        return head
    rows = [(label, str(count), "") for label, count in view.by_state]
    letters = plural(view.letters_pending, "lettre")
    notes = [
        f"{letters} à remettre (courriel ou impression)",
        f"{plural(view.first_login_pending, 'compte')} sans première connexion "
        "(mot de passe initial)",
    ]
    if view.disabled:
        notes.append(f"{plural(view.disabled, 'compte désactivé', 'comptes désactivés')}")
    return Content("\n\n").join([head, table(rows, 22), Content("\n").join(notes)])
