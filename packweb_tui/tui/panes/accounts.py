"""Comptes: the canteen's hosts (students, staff, trainees) and the payments received."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from packweb_tui.domain.hosts import HostKind, HostMode
from packweb_tui.domain.money import format_euros
from packweb_tui.domain.wording import plural
from packweb_tui.tui.panes.pane import FiguresPane

if TYPE_CHECKING:
    from packweb_tui.services.overview import AccountsOverview
    from packweb_tui.store.database import Database

KIND_PLURALS = {
    HostKind.ELEVE: "Élèves",
    HostKind.COMMENSAL: "Commensaux",
    HostKind.STAGIAIRE: "Stagiaires",
}


class AccountsPane(FiguresPane):
    DESCRIPTION = (
        "Les hôtes de la cantine (élèves, commensaux, stagiaires) importés du logiciel de "
        "restauration, leur mode (prépayé ou forfait), et les paiements reçus."
    )

    async def read(self, db: Database, uai: str) -> Content:
        from packweb_tui.services.overview import accounts_overview

        return render(await accounts_overview(db, uai))


def render(view: AccountsOverview) -> Content:
    head = Content.from_markup(
        f"[b]{plural(view.hosts, 'hôte')}[/b], dont {view.hosts_with_login} "
        "avec un identifiant du portail"
    )
    parts = [head]
    if view.hosts:
        modes = list(HostMode)
        header = "  " + " " * 14 + "".join(m.label.rjust(10) for m in modes) + "Total".rjust(10)
        lines = [Content.from_markup(f"[b]{header}[/b]")]
        for kind in HostKind:
            counts = [view.hosts_by_kind_mode[(kind, m)] for m in modes]
            cells = "".join(str(n).rjust(10) for n in [*counts, sum(counts)])
            lines.append(Content("  " + KIND_PLURALS[kind].ljust(14) + cells))
        totals = [sum(view.hosts_by_kind_mode[(k, m)] for k in HostKind) for m in modes]
        cells = "".join(str(n).rjust(10) for n in [*totals, view.hosts])
        lines.append(Content.from_markup(f"[b]  {'Total'.ljust(14)}{cells}[/b]"))
        parts.append(Content("\n").join(lines))
    if view.payments:
        online = (
            f" (dont {view.online_payments} en ligne pour {format_euros(view.online_cents)} €)"
            if view.online_payments
            else ""
        )
        payments = f"Paiements : {view.payments} pour {format_euros(view.payments_cents)} €{online}"
    else:
        payments = "Aucun paiement enregistré."
    parts.append(Content(payments))
    return Content("\n\n").join(parts)
