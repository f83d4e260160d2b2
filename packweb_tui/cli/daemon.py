"""`packweb daemon`: the background service."""

from __future__ import annotations

import asyncio

import click

from packweb_tui.cli.common import Context, guarded, pass_context


@click.command()
@pass_context
def daemon(ctx: Context) -> None:
    """Le service de fond (systemd) : envoie les courriels en attente chaque minute.

    Une ligne par tâche et par passage sur la sortie standard ; s'arrête sur SIGTERM."""
    import logging

    from packweb_tui.daemon import serve

    # Our lines only, one a run: the libraries (APScheduler, fontTools' subsetter...) speak
    # English and at length; their warnings still come through.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s packweb : %(message)s")
    logging.getLogger("packweb").setLevel(logging.INFO)
    config = guarded(ctx, lambda: ctx.config)
    url = guarded(ctx, lambda: ctx.db_url)
    guarded(ctx, lambda: asyncio.run(serve(url, config)))
