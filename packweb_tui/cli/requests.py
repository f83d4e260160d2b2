"""`packweb requests`: the account requests, their import, approval and rejection."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from packweb_tui.cli.common import (
    Context,
    fail,
    guarded,
    pass_context,
    print_json,
    progress_on_terminal,
    run,
)
from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.decisions import REJECTION_REASONS
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.domain.wording import plural

if TYPE_CHECKING:  # the store is imported only when a command needs it
    from packweb_tui.store.database import Database


@click.group()
def requests() -> None:
    """Les demandes de création de compte."""


@requests.command("import")
@click.argument("file", metavar="FICHIER", type=click.Path(path_type=Path))
@pass_context
def requests_import(ctx: Context, file: Path) -> None:
    """Importe des demandes (fichier JSON), puis les rapproche des hôtes."""
    from packweb_tui.services.requests import import_requests, read_requests_file

    records = guarded(ctx, lambda: read_requests_file(file))
    report = run(ctx, lambda d: import_requests(d, records, ctx.operator, file.name))
    click.echo(report.summary())


@requests.command("list")
@click.option("--uai", help="Un seul établissement.")
@click.option(
    "--status",
    type=click.Choice([s.value for s in RequestStatus]),
    help="pending (en attente), approved (acceptées) ou rejected (refusées).",
)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_context
def requests_list(ctx: Context, uai: str | None, status: str | None, as_json: bool) -> None:
    """Liste les demandes avec leur rapprochement."""
    from packweb_tui.services.requests import list_requests

    wanted = RequestStatus(status) if status else None
    views = run(ctx, lambda d: list_requests(d, uai, wanted))
    if as_json:
        print_json([v.to_json() for v in views])
        return
    for v in views:
        when = format_instant(v.submitted_at)
        click.echo(
            f"{v.id:>6}  {v.uai}  {when}  …{v.card_digits}  {v.last_name.upper()} "
            f"{v.first_name}  <{v.email}>  {v.status.label}  {v.match_kind.label}"
        )
    click.echo(f"{plural(len(views), 'demande')}.")


@requests.command("approve")
@click.argument("ids", nargs=-1, type=int, metavar="[N°]...")
@click.option(
    "--all-exact", is_flag=True, help="Toutes les demandes en attente au rapprochement exact."
)
@click.option("--uai", help="Un seul établissement.")
@pass_context
def requests_approve(ctx: Context, ids: tuple[int, ...], all_exact: bool, uai: str | None) -> None:
    """Crée les comptes des demandes N°... (ou de toutes les demandes au rapprochement exact)
    et prépare pour chacun sa lettre d'identifiants.

    Seules sont acceptées les demandes au rapprochement exact ou dont l'hôte a été choisi à la
    main ; les autres sont ignorées et listées avec leur motif."""
    from packweb_tui.services.decisions.approve import (
        ApprovalReport,
        approve_requests,
        pending_exact_ids,
    )

    if bool(ids) == all_exact:
        fail("indiquez des numéros de demande ou --all-exact, l'un ou l'autre")

    async def work(d: Database) -> ApprovalReport | None:
        wanted = list(ids) if ids else await pending_exact_ids(d, uai)
        if not wanted:
            return None
        progress = progress_on_terminal("Création des comptes")
        return await approve_requests(d, wanted, ctx.operator, progress, uai=uai)

    report = run(ctx, work)
    if report is None:
        click.echo("Aucune demande en attente au rapprochement exact.")
        return
    for account in report.created:
        click.echo(f"n° {account.request_id} : compte {account.login}")
    for line in report.summary_lines():
        click.echo(line)


@requests.command("reject")
@click.argument("ids", nargs=-1, type=int, required=True, metavar="N°...")
@click.option(
    "--reason",
    required=True,
    help="Motif, envoyé au demandeur. Motifs usuels : "
    + " ; ".join(f"« {r} »" for r in REJECTION_REASONS),
)
@click.option("--uai", help="Un seul établissement.")
@pass_context
def requests_reject(ctx: Context, ids: tuple[int, ...], reason: str, uai: str | None) -> None:
    """Refuse les demandes N°... ; chaque demandeur est prévenu par courriel."""
    from packweb_tui.services.decisions.reject import reject_requests

    report = run(ctx, lambda d: reject_requests(d, ids, reason, ctx.operator, uai=uai))
    for line in report.summary_lines():
        click.echo(line)
