"""`packweb payments`: the payments, imported from a CSV file."""

from __future__ import annotations

from pathlib import Path

import click

from packweb_tui.cli.common import Context, guarded, pass_context, print_json, run
from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.wording import plural


@click.group()
def payments() -> None:
    """Les encaissements (comptoir, ancien logiciel, paiement en ligne)."""


@payments.command("import")
@click.argument("file", metavar="FICHIER", type=click.Path(path_type=Path))
@pass_context
def payments_import(ctx: Context, file: Path) -> None:
    """Importe des paiements d'un fichier CSV (tout ou rien, sans doublon)."""
    from packweb_tui.services.payments import import_payments, read_payments_file

    records = guarded(ctx, lambda: read_payments_file(file))
    report = run(ctx, lambda d: import_payments(d, records, ctx.operator, file.name))
    click.echo(report.summary())


@payments.command("list")
@click.option("--uai", help="Un seul établissement.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_context
def payments_list(ctx: Context, uai: str | None, as_json: bool) -> None:
    """Liste les paiements, du plus ancien au plus récent."""
    from packweb_tui.domain.money import format_euros
    from packweb_tui.services.payments import list_payments

    views = run(ctx, lambda d: list_payments(d, uai))
    if as_json:
        print_json([v.to_json() for v in views])
        return
    for v in views:
        who = f"{v.last_name.upper()} {v.first_name}" if v.last_name else "(hôte inconnu)"
        click.echo(
            f"{v.id:>6}  {v.uai}  {format_instant(v.paid_at)}  {v.card}  {who}  "
            f"{format_euros(v.amount_cents):>10} €  {v.method.label}  {v.transaction_id}"
        )
    click.echo(f"{plural(len(views), 'paiement')}.")
