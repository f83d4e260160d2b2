"""`packweb establishments`: the schools this server serves."""

from __future__ import annotations

import click

from packweb_tui.cli.common import Context, fail, pass_context, print_json, run
from packweb_tui.domain.wording import plural


@click.group()
def establishments() -> None:
    """Les établissements servis par ce serveur."""


ADDRESS_HELP = "Une ligne de l'adresse postale des lettres (l'option autant de fois que de lignes)."
PHONE_HELP = "Le téléphone imprimé sur les lettres, par ex. « 01 44 55 66 77 »."


@establishments.command("add")
@click.argument("uai")
@click.argument("name", metavar="NOM")
@click.option("--address", "address", multiple=True, metavar="LIGNE", help=ADDRESS_HELP)
@click.option("--phone", default="", metavar="NUMÉRO", help=PHONE_HELP)
@pass_context
def establishments_add(
    ctx: Context, uai: str, name: str, address: tuple[str, ...], phone: str
) -> None:
    """Ajoute l'établissement UAI (7 chiffres et la lettre de contrôle) nommé NOM.

    \b
    Exemple :
      packweb establishments add 0750655E "Lycée Victor-Hugo" \\
        --address "27 rue de Sévigné" --address "75003 Paris" --phone "01 44 55 66 77"
    """
    from packweb_tui.services.establishments import add_establishment

    view = run(ctx, lambda d: add_establishment(d, uai, name, ctx.operator, address, phone))
    click.echo(f"Établissement {view.uai} « {view.name} » ajouté.")


@establishments.command("set")
@click.argument("uai")
@click.option("--name", metavar="NOM", help="Le nouveau nom.")
@click.option("--address", "address", multiple=True, metavar="LIGNE", help=ADDRESS_HELP)
@click.option("--no-address", is_flag=True, help="Efface l'adresse postale.")
@click.option("--phone", metavar="NUMÉRO", help=PHONE_HELP)
@click.option("--no-phone", is_flag=True, help="Efface le téléphone.")
@pass_context
def establishments_set(
    ctx: Context,
    uai: str,
    name: str | None,
    address: tuple[str, ...],
    no_address: bool,
    phone: str | None,
    no_phone: bool,
) -> None:
    """Change le nom, l'adresse postale ou le téléphone de l'établissement UAI (ceux des
    lettres)."""
    from packweb_tui.services.establishments import change_establishment

    if address and no_address:
        fail("--address et --no-address ensemble : choisissez", 2)
    if phone is not None and no_phone:
        fail("--phone et --no-phone ensemble : choisissez", 2)
    lines = () if no_address else (address or None)
    number = "" if no_phone else phone
    view = run(ctx, lambda d: change_establishment(d, uai, ctx.operator, name, lines, number))
    where = " / ".join(view.address) or "sans adresse"
    click.echo(f"Établissement {view.uai} « {view.name} » : {where}{_phone(view.phone)}.")


def _phone(phone: str | None) -> str:
    return f", tél. {phone}" if phone else ""


@establishments.command("list")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_context
def establishments_list(ctx: Context, as_json: bool) -> None:
    """Liste les établissements."""
    from packweb_tui.services.establishments import list_establishments

    views = run(ctx, list_establishments)
    if as_json:
        print_json([v.to_json() for v in views])
        return
    if not views:
        click.echo("Aucun établissement. Ajoutez-en un : packweb establishments add UAI NOM")
    for v in views:
        click.echo(
            f"{v.uai}  {v.name}  ({plural(v.hosts, 'hôte')}, "
            f"{plural(v.pending_requests, 'demande')} en attente)"
        )
        if v.address or v.phone:
            click.echo(f"          {' / '.join(v.address) or 'sans adresse'}{_phone(v.phone)}")
