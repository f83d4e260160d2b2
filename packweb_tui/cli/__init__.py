"""The `packweb` command line: every use case, for scripts and remote support.

One module per command group, as the services are; each imports its services only when its
command runs, so that `packweb --help` loads no database library.

Exit status: 0 success, 2 bad usage or bad input (one line per problem on stderr, saying
what and where), 1 operational failure. No traceback reaches the user without --debug."""

from __future__ import annotations

import click

from packweb_tui.cli import (
    accounts,
    closures,
    daemon,
    db,
    demo,
    establishments,
    hosts,
    letters,
    outbox,
    payments,
    requests,
    settings,
)
from packweb_tui.cli.common import Context, guarded, open_console
from packweb_tui.cli.words import french_help


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_option", metavar="URL", help="Base de données (SQLite ou PostgreSQL).")
@click.option("--config", "config_option", metavar="CHEMIN", help="Fichier de configuration TOML.")
@click.option("--debug", is_flag=True, help="Affiche le détail technique des erreurs.")
@click.version_option(package_name="packweb-tui", message="packweb %(version)s")
@click.pass_context
def cli(
    click_ctx: click.Context, db_option: str | None, config_option: str | None, debug: bool
) -> None:
    """PackWeb Console : l'espace numérique de la cantine.

    Sans commande, ouvre la console."""
    ctx = Context(db_option, config_option, debug)
    click_ctx.obj = ctx
    if click_ctx.invoked_subcommand is None:
        open_console(ctx, guarded(ctx, lambda: ctx.db_url), demo=False)


for _command in (
    db.db,
    establishments.establishments,
    hosts.hosts,
    requests.requests,
    accounts.accounts,
    letters.letters,
    outbox.outbox,
    payments.payments,
    settings.settings,
    closures.closures,
    daemon.daemon,
    demo.demo,
):
    cli.add_command(_command)
french_help(cli)  # every command is in: their help in French


def main() -> None:
    cli(prog_name="packweb")
