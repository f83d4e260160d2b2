"""Synchronisation: the exchanges with the portal, nightly or on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.wording import plural
from packweb_tui.tui.panes.pane import FiguresPane

if TYPE_CHECKING:
    from packweb_tui.services.overview import SyncOverview
    from packweb_tui.store.database import Database


class SyncPane(FiguresPane):
    DESCRIPTION = (
        "La synchronisation avec le portail : elle apporte les nouvelles demandes et les "
        "paiements en ligne, et envoie les comptes et les réglages. Elle a lieu chaque nuit, "
        "ou à la demande."
    )

    async def read(self, db: Database, uai: str) -> Content:
        from packweb_tui.services.overview import sync_overview

        return render(await sync_overview(db, uai))


def render(view: SyncOverview) -> Content:
    last = view.last
    if last is None:
        return Content.from_markup("[b]Aucune synchronisation[/b] pour cet établissement.")
    status = f"[b $error]{last.status}[/]" if last.failed else f"[b]{last.status}[/b]"
    lines = [
        Content.from_markup(
            f"[b]Dernière synchronisation[/b] : {format_instant(last.started_at)}, "
            f"$trigger, par $operator — {status}",
            trigger=last.trigger,
            operator=last.operator,
        )
    ]
    if last.finished_at is not None:
        lines.append(Content(f"  terminée le {format_instant(last.finished_at)}"))
    if last.counts:
        counts = " · ".join(f"{key} : {value}" for key, value in sorted(last.counts.items()))
        lines.append(Content(f"  {counts}"))
    if last.error:
        lines.append(
            Content.from_markup("  [$error]Erreur : $detail[/]", detail=last.error.splitlines()[0])
        )
    success = (
        f"Dernière réussie : {format_instant(view.last_success)}"
        if view.last_success is not None
        else "Aucune synchronisation réussie."
    )
    total = f"{plural(view.runs, 'synchronisation enregistrée', 'synchronisations enregistrées')}."
    return Content("\n\n").join([Content("\n").join(lines), Content(success), Content(total)])
