"""`packweb outbox`: the emails waiting to be sent, and sending them."""

from __future__ import annotations

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
from packweb_tui.domain.wording import plural


@click.group()
def outbox() -> None:
    """Les courriels en file d'envoi : lettres d'identifiants, refus, récapitulatifs."""


@outbox.command("list")
@click.option(
    "--status", "statuses", multiple=True,
    type=click.Choice(["queued", "sent", "failed", "cancelled"]),
    help="queued (en file), sent (envoyés), failed (en échec) ou cancelled (annulés) ; "
    "répétable.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_context
def outbox_list(ctx: Context, statuses: tuple[str, ...], as_json: bool) -> None:
    """Liste les courriels de la file, du plus ancien au plus récent (jamais leur contenu)."""
    from packweb_tui.domain.states import OutboxStatus
    from packweb_tui.services.outbox.views import list_outbox

    wanted = [OutboxStatus(s) for s in statuses] or None
    sender = guarded(ctx, lambda: ctx.config).smtp.sender
    views = run(ctx, lambda d: list_outbox(d, wanted, sender))
    if as_json:
        print_json([v.to_json() for v in views])
        return
    for v in views:
        line = (
            f"{v.id:>6}  {v.status.label:<7}  {v.kind_label:<13}  {v.to}  "
            f"{format_instant(v.sent_at or v.created_at)}"
        )
        if v.status is OutboxStatus.QUEUED and v.attempts:
            line += (
                f"  {plural(v.attempts, 'essai')}, prochain le {format_instant(v.next_attempt_at)}"
            )
        if v.last_error and v.status is not OutboxStatus.SENT:
            line += f"  — {v.last_error}"
        click.echo(line)
    click.echo(f"{plural(len(views), 'message')}.")


@outbox.command("send")
@click.option("--limit", type=click.IntRange(min=1), help="Au plus N courriels.")
@click.option(
    "--now", "deferred", is_flag=True,
    help="Aussi ceux qui attendent un nouvel essai plus tard (serveur de messagerie réparé).",
)  # fmt: skip
@pass_context
def outbox_send(ctx: Context, limit: int | None, deferred: bool) -> None:
    """Envoie maintenant les courriels dus, par le serveur [smtp] de la configuration ; avec
    --now, aussi ceux qui attendent un nouvel essai plus tard.

    Code 1 si le serveur est injoignable ou refuse la connexion : les courriels restent en
    file, essayés de nouveau plus tard. Code 0 si un autre envoi est en cours (il s'en
    charge)."""
    from packweb_tui.services.outbox.delivery import deliver_outbox

    config = guarded(ctx, lambda: ctx.config)
    progress = progress_on_terminal("Envoi des courriels")
    report = run(
        ctx,
        lambda d: deliver_outbox(
            d, config, operator=ctx.operator, progress=progress, limit=limit, deferred=deferred
        ),
    )
    for line in report.summary_lines():
        click.echo(line)
    if report.error and not report.busy:
        fail(report.error, 1)
