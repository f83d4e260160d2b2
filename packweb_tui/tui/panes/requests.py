"""Demandes: the account requests from the portal, waiting for the operator's check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.matching import MatchKind
from packweb_tui.tui.panes.pane import OverviewPane, plural, table

if TYPE_CHECKING:
    from packweb_tui.services.overview import RequestsOverview
    from packweb_tui.store.database import Database

# What each kind asks of the operator, in a few words.
KIND_NOTES = {
    MatchKind.EXACT: "acceptables en lot",
    MatchKind.PROBABLE: "noms proches : à vérifier",
    MatchKind.AMBIGUOUS: "plusieurs hôtes : à choisir",
    MatchKind.MISMATCH: "noms différents : jamais rattachées d'office",
    MatchKind.NONE: "aucune carte ne correspond",
    MatchKind.DUPLICATE: "la plus ancienne est gardée",
    MatchKind.HAS_ACCOUNT: "proposer une réinitialisation",
}


class RequestsPane(OverviewPane):
    DESCRIPTION = (
        "Les demandes de création de compte venues du portail. Vérifiez que chaque demande "
        "est rattachée au bon hôte (carte et noms), puis générez les identifiants : "
        "l'établissement promet une réponse sous 48 heures."
    )

    async def figures(self, db: Database, uai: str) -> Content:
        from packweb_tui.services.overview import requests_overview

        return render(await requests_overview(db, uai))


def render(view: RequestsOverview) -> Content:
    if not view.pending:
        head = Content.from_markup("[b]Aucune demande en attente.[/b]")
    else:
        pending = plural(view.pending, "demande")
        late = f", dont [b $warning]{view.overdue} depuis plus de 48 h[/]" if view.overdue else ""
        head = Content.from_markup(f"[b]{pending} en attente[/b]{late}")
        if view.oldest_pending is not None:
            oldest = format_instant(view.oldest_pending)
            head += Content.from_markup(f"\nLa plus ancienne : {oldest}")
    rows = [
        (kind.label, str(view.pending_by_kind[kind]), KIND_NOTES[kind])
        for kind in MatchKind
        if view.pending
    ]
    decided = f"Décidées : {plural(view.approved, 'acceptée')}, {plural(view.rejected, 'refusée')}."
    parts = [head, table(rows, 16)] if rows else [head]
    return Content("\n\n").join([*parts, Content(decided)])
