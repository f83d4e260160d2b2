"""`packweb letters`: the credentials letters, printed in one PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from packweb_tui.cli.common import Context, pass_context, run
from packweb_tui.domain.errors import InputError
from packweb_tui.domain.wording import agree, plural

if TYPE_CHECKING:  # the store is imported only when a command needs it
    from packweb_tui.store.database import Database


@click.group()
def letters() -> None:
    """Les lettres d'identifiants."""


@letters.command("print")
@click.argument("names", nargs=-1, metavar="[N° OU IDENTIFIANT]...")
@click.option(
    "-o", "--output", "out", required=True, type=click.Path(path_type=Path),
    help="Fichier PDF à écrire.",
)  # fmt: skip
@click.option("--uai", help="L'établissement (facultatif s'il n'y en a qu'un).")
@pass_context
def letters_print(ctx: Context, names: tuple[str, ...], out: Path, uai: str | None) -> None:
    """L'édition : toutes les lettres non remises (ou celles nommées, par leur numéro ou
    l'identifiant du compte) dans un seul PDF.

    Les lettres imprimées comptent comme remises : leur mot de passe est effacé de la base
    et leur envoi par courriel annulé."""
    from packweb_tui.config import letters_dir
    from packweb_tui.services.editions import print_edition
    from packweb_tui.services.establishments import list_establishments

    config = ctx.config
    ids = [int(n) for n in names if n.strip().isdigit()]
    logins = [n for n in names if not n.strip().isdigit()]

    async def work(d: Database) -> Any:
        chosen = uai
        if chosen is None:
            known = await list_establishments(d)
            if len(known) != 1:
                raise InputError("plusieurs établissements : précisez --uai")
            chosen = known[0].uai
        return await print_edition(
            d, chosen, out, ctx.operator, config.portal.url, ids or None,
            letters_dir(config), config.letter_logos, logins,
        )  # fmt: skip

    report = run(ctx, work)
    click.echo(f"{plural(len(report.printed), 'lettre')} dans {report.path}.")
    if report.skipped:
        skipped = agree(
            report.skipped,
            "lettre déjà remise ou annulée, non imprimée",
            "lettres déjà remises ou annulées, non imprimées",
        )
        click.echo(f"{report.skipped} {skipped}.")
    for login, chars in report.unprintable.items():
        click.echo(
            f"Attention : {login} : caractères absents de la police, non imprimés : "
            f"{' '.join(chars)}",
            err=True,
        )
