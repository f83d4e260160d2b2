"""`packweb hosts`: the hosts (pupils, staff, trainees), from a CSV file."""

from __future__ import annotations

from pathlib import Path

import click

from packweb_tui.cli.common import Context, guarded, pass_context, run


@click.group()
def hosts() -> None:
    """Les hôtes (élèves, commensaux, stagiaires)."""


@hosts.command("import")
@click.argument("file", metavar="FICHIER", type=click.Path(path_type=Path))
@click.option("--uai", help="UAI des lignes sans colonne uai.")
@click.option("--dry-run", is_flag=True, help="Vérifie et compte sans rien enregistrer.")
@pass_context
def hosts_import(ctx: Context, file: Path, uai: str | None, dry_run: bool) -> None:
    """Importe ou met à jour les hôtes d'un fichier CSV (tout ou rien)."""
    from packweb_tui.services.hosts import import_hosts, read_hosts_file

    records = guarded(ctx, lambda: read_hosts_file(file, uai))
    report = run(ctx, lambda d: import_hosts(d, records, ctx.operator, file.name, dry_run))
    click.echo(("Simulation : " if dry_run else "") + report.summary())
