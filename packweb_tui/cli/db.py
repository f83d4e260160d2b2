"""`packweb db`: the database's schema."""

from __future__ import annotations

import click

from packweb_tui.cli.common import Context, pass_context, run


@click.group()
def db() -> None:
    """Schéma de la base de données."""


@db.command("upgrade")
@pass_context
def db_upgrade(ctx: Context) -> None:
    """Crée la base de données (seule commande à le faire, avec demo), ou met à jour son
    schéma."""
    from packweb_tui.services.database import schema_revision

    # Creating the database (or opening it) brings its schema up: what is left is to say which.
    revision = run(ctx, schema_revision, create=True)
    click.echo(f"Schéma à jour ({revision}).")
