"""`packweb settings`: an establishment's portal settings."""

from __future__ import annotations

import click

from packweb_tui.cli.common import Context, pass_context, print_json, run


@click.group()
def settings() -> None:
    """Les réglages du portail d'un établissement (« Configurer mon espace numérique »)."""


@settings.command("show")
@click.argument("uai")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (toutes les clés).")
@pass_context
def settings_show(ctx: Context, uai: str, as_json: bool) -> None:
    """Affiche les réglages de UAI, une ligne CLÉ=VALEUR chacun (relisibles par set)."""
    from packweb_tui.domain.settings import FIELDS, format_setting
    from packweb_tui.services.settings import paris_day, read_settings

    view = run(ctx, lambda d: read_settings(d, uai))
    today = paris_day(None)
    if as_json:
        print_json(view.to_json(today))
        return
    for field in FIELDS:
        click.echo(f"{field.key}={format_setting(field.key, view.values.get(field.key))}")


@settings.command("set")
@click.argument("uai")
@click.argument("assignments", nargs=-1, required=True, metavar="CLÉ=VALEUR...")
@pass_context
def settings_set(ctx: Context, uai: str, assignments: tuple[str, ...]) -> None:
    """Change des réglages de UAI : booléens oui/non, montants 1,00 (euros), J+N : N.

    Une seule valeur fausse et rien n'est enregistré."""
    from packweb_tui.services.settings import set_settings

    items = list(assignments)
    if len(items) == 2 and "=" not in items[0]:
        items = [f"{items[0]}={items[1]}"]  # `set UAI KEY VALUE` reads as KEY=VALUE
    report = run(ctx, lambda d: set_settings(d, uai, items, ctx.operator))
    for change in report.changes:
        click.echo(f"{change.key} : {change.old or '(vide)'} → {change.new or '(vide)'}")
    click.echo(report.summary())
