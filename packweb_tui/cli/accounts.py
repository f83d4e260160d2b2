"""`packweb accounts`: the portal's accounts and their passwords."""

from __future__ import annotations

import sys

import click

from packweb_tui.cli.common import Context, pass_context, print_json, run
from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.wording import plural


@click.group()
def accounts() -> None:
    """Les comptes du portail et leurs identifiants."""


@accounts.command("list")
@click.option("--uai", help="Un seul établissement.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_context
def accounts_list(ctx: Context, uai: str | None, as_json: bool) -> None:
    """Liste les comptes du portail, par établissement puis identifiant."""
    from packweb_tui.services.accounts import list_accounts

    views = run(ctx, lambda d: list_accounts(d, uai))
    if as_json:
        print_json([v.to_json() for v in views])
        return
    for v in views:
        click.echo(
            f"{v.login}  {v.uai}  cartes {', '.join(v.cards) or '-'}  <{v.email}>  "
            f"créé le {format_instant(v.created_at)}  {'actif' if v.enabled else 'désactivé'}  "
            f"{v.credentials.label}"
        )
    click.echo(f"{plural(len(views), 'compte')}.")


@accounts.command("reset")
@click.argument("login", metavar="IDENTIFIANT")
@pass_context
def accounts_reset(ctx: Context, login: str) -> None:
    """Donne un nouveau mot de passe initial au compte IDENTIFIANT et met sa lettre en file
    d'envoi."""
    from packweb_tui.config import letters_dir
    from packweb_tui.services.letters import reset_password

    directory = letters_dir(ctx.config)
    report = run(ctx, lambda d: reset_password(d, login, ctx.operator, directory))
    voided = (
        f" ; {plural(report.voided, 'lettre non remise annulée', 'lettres non remises annulées')}"
        if report.voided
        else ""
    )
    click.echo(
        f"Nouveau mot de passe pour {report.login} : lettre n° {report.letter_id} en file "
        f"d'envoi{voided}."
    )


@accounts.command("check-password")
@click.argument("login", metavar="IDENTIFIANT")
@pass_context
def accounts_check_password(ctx: Context, login: str) -> None:
    """Lit un mot de passe sur l'entrée standard : code 0 si c'est celui du compte
    IDENTIFIANT, 1 sinon."""
    from packweb_tui.services.letters import check_password

    if sys.stdin.isatty():  # typed by support: not shown on the screen
        import getpass

        typed = getpass.getpass("Mot de passe : ")
    else:
        typed = sys.stdin.readline().rstrip("\r\n")
    if run(ctx, lambda d: check_password(d, login, typed)):
        click.echo(f"Mot de passe correct pour {login}.")
        return
    click.echo(f"Ce n'est pas le mot de passe de {login}.", err=True)
    sys.exit(1)
