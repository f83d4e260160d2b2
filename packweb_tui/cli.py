"""The `packweb` command line: every use case, for scripts and remote support.

Exit status: 0 success, 2 bad usage or bad input (one line per problem on stderr, saying
what and where), 1 operational failure. No traceback reaches the user without --debug."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from packweb_tui.cli_words import install as speak_french
from packweb_tui.config import Config, load_config, operator_login, resolve_db_url, user_data_dir
from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.decisions import REJECTION_REASONS
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.domain.wording import agree, plural

speak_french()  # Click's help and usage errors, in French
_T = TypeVar("_T")

if TYPE_CHECKING:  # the store is imported only when a command needs it
    from packweb_tui.store.database import Database


@dataclass
class Context:
    db_option: str | None
    config_option: str | None
    debug: bool
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_option)
        return self._config

    @property
    def db_url(self) -> str:
        return resolve_db_url(self.db_option, self.config)

    @property
    def operator(self) -> str:
        return operator_login()


pass_context = click.make_pass_decorator(Context)


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"packweb : {message}", err=True)
    sys.exit(code)


def run(ctx: Context, work: Callable[[Database], Awaitable[_T]], url: str | None = None) -> _T:
    """Open the database (creating or upgrading its schema), run `work`, close; turn every
    failure into a clear message and an exit status."""

    async def main() -> _T:
        from packweb_tui.store.database import Database

        db = await Database.open(url or ctx.db_url)
        try:
            return await work(db)
        finally:
            await db.close()

    return guarded(ctx, lambda: asyncio.run(main()))


def guarded(ctx: Context, action: Callable[[], _T]) -> _T:
    try:
        return action()
    except InputErrors as errors:
        for error in errors.errors:
            click.echo(str(error), err=True)
        fail(f"{plural(len(errors.errors), 'erreur')}, rien n'a été enregistré", 2)
    except InputError as error:
        fail(str(error), 2)
    except (KeyboardInterrupt, click.exceptions.Exit, SystemExit):
        raise
    except Exception as error:
        if ctx.debug:
            raise
        fail(describe_failure(error), 1)


def describe_failure(error: Exception) -> str:
    """A one-line French account of an operational failure."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from packweb_tui.services.errors import file_failure

    if isinstance(error, OSError) and error.filename is not None:  # a file, not the store
        return file_failure(error)
    if isinstance(error, OperationalError | OSError | ConnectionError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        return f"base de données inaccessible : {detail}"
    first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
    return f"échec : {first_line} (relancez avec --debug pour le détail)"


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_option", metavar="URL", help="Base de données (SQLite ou PostgreSQL).")
@click.option("--config", "config_option", metavar="PATH", help="Fichier de configuration TOML.")
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


def open_console(ctx: Context, url: str, demo: bool) -> None:
    from packweb_tui.tui.startup import prefetch

    # The first rows are read in a thread while Textual is imported (a third of a second).
    first_read = prefetch(url)
    from packweb_tui.tui.app import PackWebApp

    config = guarded(ctx, lambda: ctx.config)  # a bad file: one line, not a traceback
    app = guarded(  # so is a bad [keys]
        ctx,
        lambda: PackWebApp(
            db_url=url, operator=ctx.operator, demo=demo, first_read=first_read, config=config
        ),
    )
    guarded(ctx, app.run)
    if app.return_code:
        sys.exit(app.return_code)


# --- db -------------------------------------------------------------------------------------
@cli.group()
def db() -> None:
    """Schéma de la base de données."""


@db.command("upgrade")
@pass_context
def db_upgrade(ctx: Context) -> None:
    """Crée ou met à jour le schéma."""
    from packweb_tui.store.revision import HEAD_REVISION

    async def work(_db: Database) -> None:
        return None

    run(ctx, work)
    click.echo(f"Schéma à jour ({HEAD_REVISION}).")


# --- establishments -------------------------------------------------------------------------
@cli.group()
def establishments() -> None:
    """Les établissements servis par ce serveur."""


ADDRESS_HELP = "Une ligne de l'adresse postale des lettres (l'option autant de fois que de lignes)."


@establishments.command("add")
@click.argument("uai")
@click.argument("name")
@click.option("--address", "address", multiple=True, metavar="LIGNE", help=ADDRESS_HELP)
@pass_context
def establishments_add(ctx: Context, uai: str, name: str, address: tuple[str, ...]) -> None:
    """Ajoute l'établissement UAI (7 chiffres et la lettre de contrôle) nommé NAME.

    \b
    Exemple :
      packweb establishments add 0750655E "Lycée Victor-Hugo" \\
        --address "27 rue de Sévigné" --address "75003 Paris"
    """
    from packweb_tui.services.establishments import add_establishment

    view = run(ctx, lambda d: add_establishment(d, uai, name, ctx.operator, address))
    click.echo(f"Établissement {view.uai} « {view.name} » ajouté.")


@establishments.command("set")
@click.argument("uai")
@click.option("--name", help="Le nouveau nom.")
@click.option("--address", "address", multiple=True, metavar="LIGNE", help=ADDRESS_HELP)
@click.option("--no-address", is_flag=True, help="Efface l'adresse postale.")
@pass_context
def establishments_set(
    ctx: Context, uai: str, name: str | None, address: tuple[str, ...], no_address: bool
) -> None:
    """Change le nom ou l'adresse postale de l'établissement UAI (celle des lettres)."""
    from packweb_tui.services.establishments import change_establishment

    if address and no_address:
        fail("--address et --no-address ensemble : choisissez", 2)
    lines = () if no_address else (address or None)
    view = run(ctx, lambda d: change_establishment(d, uai, ctx.operator, name, lines))
    where = " / ".join(view.address) or "sans adresse"
    click.echo(f"Établissement {view.uai} « {view.name} » : {where}.")


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
        if v.address:
            click.echo(f"          {' / '.join(v.address)}")


# --- hosts ----------------------------------------------------------------------------------
@cli.group()
def hosts() -> None:
    """Les hôtes (élèves, commensaux, stagiaires)."""


@hosts.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--uai", help="UAI des lignes sans colonne uai.")
@click.option("--dry-run", is_flag=True, help="Vérifie et compte sans rien enregistrer.")
@pass_context
def hosts_import(ctx: Context, file: Path, uai: str | None, dry_run: bool) -> None:
    """Importe ou met à jour les hôtes d'un fichier CSV (tout ou rien)."""
    from packweb_tui.services.hosts import import_hosts, read_hosts_file

    records = guarded(ctx, lambda: read_hosts_file(file, uai))
    report = run(ctx, lambda d: import_hosts(d, records, ctx.operator, file.name, dry_run))
    click.echo(("Simulation : " if dry_run else "") + report.summary())


# --- requests -------------------------------------------------------------------------------
@cli.group()
def requests() -> None:
    """Les demandes de création de compte."""


@requests.command("import")
@click.argument("file", type=click.Path(path_type=Path))
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
    help="pending, approved ou rejected.",
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


def progress_on_terminal(label: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr when it is a terminal (scripts get only the result)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        click.echo(f"\r{label} : {done}/{total}", err=True, nl=done >= total)

    return show


@requests.command("approve")
@click.argument("ids", nargs=-1, type=int)
@click.option(
    "--all-exact", is_flag=True, help="Toutes les demandes en attente au rapprochement exact."
)
@click.option("--uai", help="Un seul établissement.")
@pass_context
def requests_approve(ctx: Context, ids: tuple[int, ...], all_exact: bool, uai: str | None) -> None:
    """Crée les comptes des demandes ID... (ou de toutes les demandes au rapprochement exact)
    et prépare pour chacun sa lettre d'identifiants.

    Seules sont acceptées les demandes au rapprochement exact ou dont l'hôte a été choisi à la
    main ; les autres sont ignorées et listées avec leur motif."""
    from packweb_tui.services.approval import ApprovalReport, approve_requests, pending_exact_ids

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
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option(
    "--reason",
    required=True,
    help="Motif, envoyé au demandeur. Motifs usuels : "
    + " ; ".join(f"« {r} »" for r in REJECTION_REASONS),
)
@click.option("--uai", help="Un seul établissement.")
@pass_context
def requests_reject(ctx: Context, ids: tuple[int, ...], reason: str, uai: str | None) -> None:
    """Refuse les demandes ID... ; chaque demandeur est prévenu par courriel."""
    from packweb_tui.services.approval import reject_requests

    report = run(ctx, lambda d: reject_requests(d, ids, reason, ctx.operator, uai=uai))
    for line in report.summary_lines():
        click.echo(line)


# --- accounts -------------------------------------------------------------------------------
@cli.group()
def accounts() -> None:
    """Les comptes du portail et leurs identifiants."""


@accounts.command("list")
@click.option("--uai", help="Un seul établissement.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_context
def accounts_list(ctx: Context, uai: str | None, as_json: bool) -> None:
    """Liste les comptes du portail, par établissement puis identifiant."""
    from packweb_tui.services.accounts import CREDENTIALS_LABELS, list_accounts

    views = run(ctx, lambda d: list_accounts(d, uai))
    if as_json:
        print_json([v.to_json() for v in views])
        return
    for v in views:
        click.echo(
            f"{v.login}  {v.uai}  cartes {', '.join(v.cards) or '-'}  <{v.email}>  "
            f"créé le {format_instant(v.created_at)}  {'actif' if v.enabled else 'désactivé'}  "
            f"{CREDENTIALS_LABELS[v.credentials]}"
        )
    click.echo(f"{plural(len(views), 'compte')}.")


@accounts.command("reset")
@click.argument("login")
@pass_context
def accounts_reset(ctx: Context, login: str) -> None:
    """Donne un nouveau mot de passe initial à LOGIN et met sa lettre en file d'envoi."""
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
@click.argument("login")
@pass_context
def accounts_check_password(ctx: Context, login: str) -> None:
    """Lit un mot de passe sur l'entrée standard : code 0 si c'est celui de LOGIN, 1 sinon."""
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


# --- letters --------------------------------------------------------------------------------
@cli.group()
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
    from packweb_tui.services.establishments import list_establishments
    from packweb_tui.services.letters import print_edition

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


# --- outbox ---------------------------------------------------------------------------------
@cli.group()
def outbox() -> None:
    """Les courriels en file d'envoi : lettres d'identifiants, refus, récapitulatifs."""


@outbox.command("list")
@click.option(
    "--status", "statuses", multiple=True,
    type=click.Choice(["queued", "sent", "failed", "cancelled"]),
    help="queued (en file), sent, failed ou cancelled ; répétable.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_context
def outbox_list(ctx: Context, statuses: tuple[str, ...], as_json: bool) -> None:
    """Liste les courriels de la file, du plus ancien au plus récent (jamais leur contenu)."""
    from packweb_tui.services.outbox import STATUS_LABELS, list_outbox
    from packweb_tui.store.models import OutboxStatus

    wanted = [OutboxStatus(s) for s in statuses] or None
    sender = guarded(ctx, lambda: ctx.config).smtp.sender
    views = run(ctx, lambda d: list_outbox(d, wanted, sender))
    if as_json:
        print_json([v.to_json() for v in views])
        return
    for v in views:
        line = (
            f"{v.id:>6}  {STATUS_LABELS[v.status]:<7}  {v.kind:<9}  {v.to}  "
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
@pass_context
def outbox_send(ctx: Context, limit: int | None) -> None:
    """Envoie maintenant les courriels dus, par le serveur [smtp] de la configuration.

    Code 1 si le serveur est injoignable ou refuse la connexion : les courriels restent en
    file, essayés de nouveau plus tard. Code 0 si un autre envoi est en cours (il s'en
    charge)."""
    from packweb_tui.services.outbox import deliver_outbox

    config = guarded(ctx, lambda: ctx.config)
    progress = progress_on_terminal("Envoi des courriels")
    report = run(
        ctx,
        lambda d: deliver_outbox(d, config, operator=ctx.operator, progress=progress, limit=limit),
    )
    for line in report.summary_lines():
        click.echo(line)
    if report.error and not report.busy:
        fail(report.error, 1)


# --- payments -------------------------------------------------------------------------------
@cli.group()
def payments() -> None:
    """Les encaissements (comptoir, ancien logiciel, paiement en ligne)."""


@payments.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@pass_context
def payments_import(ctx: Context, file: Path) -> None:
    """Importe des paiements d'un fichier CSV (tout ou rien, sans doublon)."""
    from packweb_tui.services.payments import import_payments, read_payments_file

    records = guarded(ctx, lambda: read_payments_file(file))
    report = run(ctx, lambda d: import_payments(d, records, ctx.operator, file.name))
    click.echo(report.summary())


@payments.command("list")
@click.option("--uai", help="Un seul établissement.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_context
def payments_list(ctx: Context, uai: str | None, as_json: bool) -> None:
    """Liste les paiements, du plus ancien au plus récent."""
    from packweb_tui.domain.money import format_euros
    from packweb_tui.services.payments import list_payments

    views = run(ctx, lambda d: list_payments(d, uai))
    if as_json:
        print_json([v.to_json() for v in views])
        return
    for v in views:
        who = f"{v.last_name.upper()} {v.first_name}" if v.last_name else "(hôte inconnu)"
        click.echo(
            f"{v.id:>6}  {v.uai}  {format_instant(v.paid_at)}  {v.card}  {who}  "
            f"{format_euros(v.amount_cents):>10} €  {v.method.label}  {v.transaction_id}"
        )
    click.echo(f"{plural(len(views), 'paiement')}.")


# --- settings and closures ------------------------------------------------------------------
@cli.group()
def settings() -> None:
    """Les réglages du portail d'un établissement (« Configurer mon espace numérique »)."""


@settings.command("show")
@click.argument("uai")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (toutes les clés).")
@pass_context
def settings_show(ctx: Context, uai: str, as_json: bool) -> None:
    """Affiche les réglages de UAI, une ligne CLÉ=VALEUR chacun (relisibles par set)."""
    from packweb_tui.domain.settings import FIELDS, format_setting
    from packweb_tui.services.settings import paris_day, read_settings

    view = run(ctx, lambda d: read_settings(d, uai))
    today = paris_day(None)
    if as_json:
        print_json(view.to_json(today))
        return
    for field in FIELDS:
        click.echo(f"{field.key}={format_setting(field.key, view.values.get(field.key))}")


@settings.command("set")
@click.argument("uai")
@click.argument("assignments", nargs=-1, required=True, metavar="CLÉ=VALEUR...")
@pass_context
def settings_set(ctx: Context, uai: str, assignments: tuple[str, ...]) -> None:
    """Change des réglages de UAI : booléens oui/non, montants 1,00 (euros), J+N : N.

    Une seule valeur fausse et rien n'est enregistré."""
    from packweb_tui.services.settings import set_settings

    items = list(assignments)
    if len(items) == 2 and "=" not in items[0]:
        items = [f"{items[0]}={items[1]}"]  # `set UAI KEY VALUE` reads as KEY=VALUE
    report = run(ctx, lambda d: set_settings(d, uai, items, ctx.operator))
    for change in report.changes:
        click.echo(f"{change.key} : {change.old or '(vide)'} → {change.new or '(vide)'}")
    click.echo(report.summary())


@cli.group()
def closures() -> None:
    """Les fermetures par périodes d'un établissement."""


def _closure_line(view: Any, today: Any) -> str:
    period = view.period
    over = "  (terminée)" if period.is_over(today) else ""
    return f"{view.id:>5}  {period.describe()}  bloque : {period.blocks()}{over}"


@closures.command("list")
@click.argument("uai")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@pass_context
def closures_list(ctx: Context, uai: str, as_json: bool) -> None:
    """Liste les fermetures de UAI, par date."""
    from packweb_tui.services.settings import list_closures, paris_day

    views = run(ctx, lambda d: list_closures(d, uai))
    if as_json:
        print_json([v.to_json() for v in views])
        return
    today = paris_day(None)
    for view in views:
        click.echo(_closure_line(view, today))
    click.echo(f"{plural(len(views), 'fermeture')}.")


@closures.command("add")
@click.argument("uai")
@click.argument("start", metavar="DU")
@click.argument("end", metavar="AU")
@click.option("--label", default="", help="Libellé (vacances de Noël...).")
@click.option("--no-payment-block", is_flag=True, help="Ne bloque pas le paiement en ligne.")
@click.option("--no-reservation-block", is_flag=True, help="Ne bloque pas la réservation en ligne.")
@pass_context
def closures_add(
    ctx: Context,
    uai: str,
    start: str,
    end: str,
    label: str,
    no_payment_block: bool,
    no_reservation_block: bool,
) -> None:
    """Ajoute une fermeture du DU au AU inclus (JJ/MM/AAAA ou AAAA-MM-JJ)."""
    from packweb_tui.domain.settings import read_closure
    from packweb_tui.services.settings import add_closure, paris_day

    period = guarded(
        ctx,
        lambda: read_closure(start, end, label, not no_payment_block, not no_reservation_block),
    )
    view = run(ctx, lambda d: add_closure(d, uai, period, ctx.operator))
    click.echo(f"Fermeture ajoutée :\n{_closure_line(view, paris_day(None))}")


@closures.command("remove")
@click.argument("uai")
@click.argument("closure_id", metavar="ID", type=int)
@pass_context
def closures_remove(ctx: Context, uai: str, closure_id: int) -> None:
    """Supprime la fermeture n° ID de UAI."""
    from packweb_tui.services.settings import remove_closure

    view = run(ctx, lambda d: remove_closure(d, uai, closure_id, ctx.operator))
    click.echo(f"Fermeture n° {view.id} supprimée : {view.period.describe()}.")


# --- daemon ---------------------------------------------------------------------------------
@cli.command()
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


# --- demo -----------------------------------------------------------------------------------
@cli.command()
@click.option("--reset", is_flag=True, help="Reconstruit les données de démonstration.")
@click.option("--load-only", is_flag=True, help="Prépare les données sans ouvrir la console.")
@pass_context
def demo(ctx: Context, reset: bool, load_only: bool) -> None:
    """Ouvre la console sur les données de démonstration (base SQLite à part)."""
    from packweb_tui.services.demo import demo_db_url, prepare_demo

    url = ctx.db_option or demo_db_url(user_data_dir())
    loaded = run(ctx, lambda d: prepare_demo(d, ctx.operator, reset), url=url)
    if load_only:
        click.echo(("Données de démonstration chargées : " if loaded else "Démo prête : ") + url)
        return
    open_console(ctx, url, demo=True)


def main() -> None:
    cli(prog_name="packweb")
