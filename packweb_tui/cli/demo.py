"""`packweb demo`: the console on demonstration data."""

from __future__ import annotations

import click

from packweb_tui.cli.common import Context, open_console, pass_context, run
from packweb_tui.config import user_data_dir


@click.command()
@click.option("--reset", is_flag=True, help="Reconstruit les données de démonstration.")
@click.option("--load-only", is_flag=True, help="Prépare les données sans ouvrir la console.")
@pass_context
def demo(ctx: Context, reset: bool, load_only: bool) -> None:
    """Ouvre la console sur les données de démonstration (base SQLite à part)."""
    from packweb_tui.services.demo import demo_db_url, prepare_demo

    url = ctx.db_option or demo_db_url(user_data_dir())
    loaded = run(ctx, lambda d: prepare_demo(d, ctx.operator, reset), url=url, create=True)
    if load_only:
        click.echo(("Données de démonstration chargées : " if loaded else "Démo prête : ") + url)
        return
    open_console(ctx, url, demo=True)
