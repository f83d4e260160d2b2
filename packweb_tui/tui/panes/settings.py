"""Configuration: the establishment's portal settings ("Configurer mon espace numérique")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.markup import escape

from packweb_tui.domain.dates import format_day, format_instant
from packweb_tui.domain.money import format_euros
from packweb_tui.tui.panes.pane import OverviewPane, plural, table

if TYPE_CHECKING:
    from packweb_tui.services.overview import ClosureSpan, SettingsOverview
    from packweb_tui.store.database import Database

NOT_SET = "[$text-muted]—[/]"


class SettingsPane(OverviewPane):
    DESCRIPTION = (
        "Les réglages du portail de l'établissement, ceux de l'écran «Configurer mon espace "
        "numérique» du guide : adresses, minimums de paiement, réservation des repas et "
        "fermetures."
    )

    async def figures(self, db: Database, uai: str) -> Content:
        from packweb_tui.services.overview import settings_overview

        return render(await settings_overview(db, uai))


def render(view: SettingsOverview) -> Content:
    def yes_no(flag: bool) -> str:
        return "oui" if flag else "non"

    def text(value: str | None) -> str:
        return escape(value) if value else NOT_SET

    requests_email = (
        escape(view.requests_email)
        if view.requests_email
        else "[b $error]à renseigner (obligatoire)[/]"
    )
    payment = "[b $warning]bloqué[/]" if view.block_online_payment else "ouvert"
    reservation = "[b $warning]bloquée[/]" if view.block_online_reservation else "ouverte"
    rows = [
        ("Email de l'établissement", text(view.school_email)),
        ("Email des demandes de compte", requests_email),
        ("Nombre de repas affiché", f"{yes_no(view.show_meal_count)}, minimum {view.min_meals}"),
        (
            "Montant à créditer affiché",
            f"{yes_no(view.show_credit_amount)}, "
            f"minimum {format_euros(view.min_credit_amount_cents)} €",
        ),
        ("Recharge du forfait", f"minimum {format_euros(view.min_forfait_amount_cents)} €"),
        ("Adresse web", text(view.school_website)),
        (
            "Réservation des repas",
            f"{plural(view.reservation_weeks, 'semaine')}, à partir de "
            f"J+{view.reservation_lead_days}",
        ),
        ("Paiement en ligne", payment),
        ("Réservation en ligne", reservation),
        ("Fermetures", closures(view.current_closure, view.upcoming_closures)),
    ]
    parts = [table([(label, "", value) for label, value in rows], 28, indent=0)]
    if not view.saved:
        parts.append(Content("Réglages jamais enregistrés : valeurs par défaut."))
    elif view.pushed_at is None:
        parts.append(
            Content("Jamais envoyés au portail : ils le seront à la prochaine synchronisation.")
        )
    elif view.changed_since_push:
        parts.append(
            Content(
                f"Modifiés depuis leur envoi au portail le {format_instant(view.pushed_at)} : "
                "ils seront renvoyés à la prochaine synchronisation."
            )
        )
    return Content("\n\n").join(parts)


def closures(current: ClosureSpan | None, upcoming: tuple[ClosureSpan, ...]) -> str:
    def span(s: ClosureSpan) -> str:
        label = f" ({escape(s.label)})" if s.label else ""
        return f"du {format_day(s.starts_on)} au {format_day(s.ends_on)}{label}"

    if current is not None:
        more = f", puis {len(upcoming)} à venir" if upcoming else ""
        return f"[b $warning]en cours[/] {span(current)}{more}"
    if upcoming:
        more = f", puis {len(upcoming) - 1} autre(s)" if len(upcoming) > 1 else ""
        return f"prochaine {span(upcoming[0])}{more}"
    return "aucune à venir"
