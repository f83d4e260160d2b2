"""`packweb closures`: an establishment's closure periods."""

from __future__ import annotations

from typing import Any

import click

from packweb_tui.cli.common import Context, guarded, pass_context, print_json, run
from packweb_tui.domain.wording import plural


@click.group()
def closures() -> None:
    """Les fermetures par périodes d'un établissement."""


def _closure_line(view: Any, today: Any) -> str:
    period = view.period
    over = "  (terminée)" if period.is_over(today) else ""
    return f"{view.id:>5}  {period.describe()}  bloque : {period.blocks()}{over}"


@closures.command("list")
@click.argument("uai")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_context
def closures_list(ctx: Context, uai: str, as_json: bool) -> None:
    """Liste les fermetures de UAI, par date."""
    from packweb_tui.services.settings import list_closures, paris_day

    views = run(ctx, lambda d: list_closures(d, uai))
    if as_json:
        print_json([v.to_json() for v in views])
        return
    today = paris_day(None)
    for view in views:
        click.echo(_closure_line(view, today))
    click.echo(f"{plural(len(views), 'fermeture')}.")


@closures.command("add")
@click.argument("uai")
@click.argument("start", metavar="DU")
@click.argument("end", metavar="AU")
@click.option("--label", default="", help="Libellé (vacances de Noël...).")
@click.option("--no-payment-block", is_flag=True, help="Ne bloque pas le paiement en ligne.")
@click.option("--no-reservation-block", is_flag=True, help="Ne bloque pas la réservation en ligne.")
@pass_context
def closures_add(
    ctx: Context,
    uai: str,
    start: str,
    end: str,
    label: str,
    no_payment_block: bool,
    no_reservation_block: bool,
) -> None:
    """Ajoute une fermeture du DU au AU inclus (JJ/MM/AAAA ou AAAA-MM-JJ)."""
    from packweb_tui.domain.closures import read_closure
    from packweb_tui.services.settings import add_closure, paris_day

    period = guarded(
        ctx,
        lambda: read_closure(start, end, label, not no_payment_block, not no_reservation_block),
    )
    view = run(ctx, lambda d: add_closure(d, uai, period, ctx.operator))
    click.echo(f"Fermeture ajoutée :\n{_closure_line(view, paris_day(None))}")


@closures.command("remove")
@click.argument("uai")
@click.argument("closure_id", metavar="N°", type=int)
@pass_context
def closures_remove(ctx: Context, uai: str, closure_id: int) -> None:
    """Supprime la fermeture N° de UAI."""
    from packweb_tui.services.settings import remove_closure

    view = run(ctx, lambda d: remove_closure(d, uai, closure_id, ctx.operator))
    click.echo(f"Fermeture n° {view.id} supprimée : {view.period.describe()}.")
