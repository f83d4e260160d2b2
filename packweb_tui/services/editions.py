"""The édition: the letters still to deliver in one PDF to print, after which they count as
delivered on paper; the éditions written lately (the Identifiants pane lists them with their
paths); and, with `[letters] print_command`, the édition sent to a printer.

A PDF on the server is hard to reach over SSH: its path stays in view, and the print command
(`lp -d intendance`) takes it to the office's printer."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.states import CredentialsState, LetterState
from packweb_tui.services import audit
from packweb_tui.services.errors import file_failure, os_words
from packweb_tui.services.establishments import require_establishment
from packweb_tui.services.letters import (
    UNDELIVERED,
    cancel_emails,
    forget_pdf,
    letter_sources,
    wipe_password,
    write_private,
)
from packweb_tui.store.database import Database
from packweb_tui.store.models import AuditEntry, Letter, PortalAccount
from packweb_tui.store.types import utcnow


@dataclass(frozen=True, slots=True)
class EditionReport:
    path: Path
    printed: list[str]  # logins, in the document's order
    skipped: int  # named letters already delivered or voided
    unprintable: dict[str, str] = field(default_factory=dict)  # login → characters not drawn


async def print_edition(
    db: Database,
    uai: str,
    out: Path,
    operator: str,
    portal_url: str | None,
    letter_ids: Sequence[int] | None = None,
    directory: Path | None = None,
    logos: Mapping[str, Path] | None = None,
    logins: Sequence[str] = (),
) -> EditionReport:
    """Every letter of `uai` not yet delivered (or those named, by number or by the login of
    their account) in one PDF at `out`; then they count as delivered on paper: passwords
    wiped, their emails cancelled. The file is written before the store changes: a failure
    leaves the letters to deliver."""
    from packweb_tui.domain.credentials import typed_login
    from packweb_tui.services.letter_pdf import edition_pdf, unprintable

    async with db.reading() as session:
        establishment = await require_establishment(session, uai)
        if logins:  # the undelivered letter of each account named
            wanted = {typed_login(login) for login in logins}
            found = (
                await session.execute(
                    select(PortalAccount.login, Letter.id)
                    .join(Letter, Letter.account_id == PortalAccount.id)
                    .where(
                        PortalAccount.establishment_id == establishment.id,
                        PortalAccount.login.in_(wanted),
                        Letter.state.in_(UNDELIVERED),
                    )
                )
            ).all()
            if missing := wanted - {login for login, _ in found}:
                raise InputErrors(
                    [
                        InputError(f"{login} : aucune lettre à remettre à {establishment.uai}")
                        for login in sorted(missing)
                    ]
                )
            letter_ids = [*(letter_ids or ()), *(lid for _, lid in found)]
        query = (
            select(Letter.id)
            .join(PortalAccount, PortalAccount.id == Letter.account_id)
            .where(PortalAccount.establishment_id == establishment.id)
        )
        if letter_ids is None:
            query = query.where(Letter.state.in_(UNDELIVERED))
        else:
            query = query.where(Letter.id.in_(list(letter_ids)))
        ids = list((await session.scalars(query.order_by(Letter.id))).all())
        sources = await letter_sources(session, ids, portal_url, logos=logos)
    if letter_ids is not None and (unknown := set(letter_ids) - set(sources)):
        raise InputErrors(
            [InputError(f"lettre n° {n} inconnue à {establishment.uai}") for n in sorted(unknown)]
        )
    printable = [s for s in sources.values() if s.content is not None and s.state in UNDELIVERED]
    if not printable:
        raise InputError("aucune lettre à imprimer : toutes ont déjà été remises")
    printable.sort(key=lambda s: (s.content.holder.casefold() if s.content else "", s.login))
    document = await asyncio.to_thread(edition_pdf, [s.content for s in printable if s.content])
    try:
        await asyncio.to_thread(write_private, out, document)
    except OSError as error:  # a folder, a path where one cannot write...: nothing changed
        raise InputError(f"impossible d'écrire l'édition : {file_failure(error, out)}") from None
    printed: list[str] = []
    async with db.writing() as session:
        for source in printable:
            letter = await session.get(Letter, source.letter_id)
            if letter is None or letter.state not in UNDELIVERED:
                continue  # delivered by email meanwhile: the paper copy does no harm
            wipe_password(letter, LetterState.PRINTED)
            account = await session.get(PortalAccount, source.account_id)
            if account is not None:
                account.credentials = CredentialsState.PRINTED
                account.updated_at = utcnow()
            await cancel_emails(session, [source.letter_id], "remise sur papier (édition)")
            printed.append(source.login)
        audit.record(
            session, operator, "letters.print", "letter",
            [s.letter_id for s in printable], establishment.id, file=str(out),
        )  # fmt: skip
    for source in printable:
        forget_pdf(directory, source.uai, source.login)
    not_drawn = {
        s.login: chars for s in printable if s.content and (chars := unprintable(s.content))
    }
    return EditionReport(out, printed, len(sources) - len(printable), not_drawn)


# --- the éditions written lately ---------------------------------------------------------------
PRINTED = "letters.print"  # the audit's action: an édition written
SENT_TO_PRINTER = "letters.printer"  # the audit's action: an édition given to the print command


@dataclass(frozen=True, slots=True)
class PrintAnswer:
    """What the print command answered for an édition."""

    command: tuple[str, ...]
    status: int | None  # its exit status; None: it could not be run, or did not end
    said: str  # the first line it wrote (stdout, or stderr), or why it could not run

    @property
    def ok(self) -> bool:
        return self.status == 0

    def summary(self) -> str:
        """In French, for the operator: what the printer's command said."""
        name = Path(self.command[0]).name if self.command else "?"  # `lp`, not /usr/bin/lp
        if self.status is None:
            return f"Impression impossible : {self.said}"
        answer = f"« {self.said} »" if self.said else "rien"
        told = f"{name} a répondu {answer} (code de sortie {self.status})"
        return f"Envoyée à l'imprimante : {told}" if self.ok else f"Échec de l'impression : {told}"


@dataclass(frozen=True, slots=True)
class Edition:
    """An édition written (by the console or `packweb letters print`)."""

    path: Path
    at: datetime
    letters: int
    operator: str
    printer: PrintAnswer | None = None  # the print command's answer, if it was sent
    present: bool = True  # the file is still there


async def recent_editions(db: Database, uai: str, limit: int = 3) -> list[Edition]:
    """The latest éditions of `uai`, newest first, each with what the print command said
    of it (from the audit log: they outlive the console)."""
    async with db.reading() as session:
        establishment = await require_establishment(session, uai)
        entries = (
            await session.scalars(
                select(AuditEntry)
                .where(
                    AuditEntry.establishment_id == establishment.id,
                    AuditEntry.action.in_((PRINTED, SENT_TO_PRINTER)),
                )
                .order_by(AuditEntry.id.desc())
                .limit(limit * 4)
            )
        ).all()
    answers: dict[str, PrintAnswer] = {}
    for entry in reversed(entries):  # the latest answer for a file wins
        if entry.action == SENT_TO_PRINTER:
            details = entry.details
            answers[details.get("file", "")] = PrintAnswer(
                tuple(details.get("command", ())), details.get("status"), details.get("said", "")
            )
    found: list[Edition] = []
    for entry in entries:
        if entry.action != PRINTED or len(found) == limit:
            continue
        file = str(entry.details.get("file", ""))
        count = int(entry.details.get("rows_count", len(entry.row_ids)))
        path = Path(file)
        found.append(
            Edition(path, entry.at, count, entry.operator, answers.get(file), path.is_file())
        )
    return found


# --- to the printer ----------------------------------------------------------------------------
PRINT_TIMEOUT = 60.0  # seconds: `lp` hands the file to the spooler and returns at once
_SAID_MAX = 200


async def send_to_printer(
    db: Database, uai: str, path: Path, command: Sequence[str], operator: str
) -> PrintAnswer:
    """Run the print command with the édition's path as its last argument (no shell: the
    path is never read as shell words) and keep what it answered in the audit log. A command
    that cannot run, fails or hangs is an answer too: the édition stays written."""
    answer = await _run(tuple(command), path)
    async with db.writing() as session:
        establishment = await require_establishment(session, uai)
        audit.record(
            session, operator, SENT_TO_PRINTER, "edition", (), establishment.id,
            file=str(path), command=list(answer.command), status=answer.status, said=answer.said,
        )  # fmt: skip
    return answer


async def _run(command: tuple[str, ...], path: Path) -> PrintAnswer:
    name = command[0]
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            str(path),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except FileNotFoundError:
        why = "introuvable ([letters] print_command de la configuration)"
    except PermissionError:
        why = "non exécutable (permission refusée)"
    except OSError as error:
        why = f"impossible à lancer ({os_words(error)})"
    else:
        try:
            out, err = await asyncio.wait_for(process.communicate(), PRINT_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
            why = f"arrêtée : pas de fin au bout de {PRINT_TIMEOUT:g} s"
        else:
            status = process.returncode if process.returncode is not None else -1
            # What it said: its errors first when it failed, else its output.
            return PrintAnswer(
                command, status, _first_line(*((err, out) if status else (out, err)))
            )
    return PrintAnswer(command, None, f"commande « {name} » {why}")


def _first_line(*streams: bytes) -> str:
    for stream in streams:
        for line in stream.decode("utf-8", "replace").splitlines():
            if line.strip():
                text = line.strip()
                return text if len(text) <= _SAID_MAX else text[: _SAID_MAX - 1] + "…"
    return ""
