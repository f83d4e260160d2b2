"""The outbox sender against a real SMTP server (aiosmtpd on 127.0.0.1): letters and
rejections parsed back whole (headers, parts, the PDF's text, the password against its stored
hash), with and without TLS; refusals (550, 450, a refused login); the server crashing in the
middle of a batch of 200; one sender at a time; the command line; the MIME messages (pure)."""

from __future__ import annotations

import asyncio
import email
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select, update

from packweb_tui.cli import cli
from packweb_tui.config import Config, PortalConfig, SmtpConfig, load_config
from packweb_tui.domain.errors import InputError
from packweb_tui.domain.letters import LetterContent
from packweb_tui.domain.states import CredentialsState, LetterState, OutboxStatus
from packweb_tui.services.decisions.approve import approve_requests
from packweb_tui.services.decisions.reject import reject_requests
from packweb_tui.services.establishments import add_establishment
from packweb_tui.services.mail import (
    AddressError,
    Sender,
    ascii_address,
    compose,
    letter_mail,
    message_id_for,
)
from packweb_tui.services.outbox import smtp
from packweb_tui.services.outbox.delivery import deliver_outbox
from packweb_tui.services.outbox.settings import smtp_settings
from packweb_tui.services.outbox.views import list_outbox
from packweb_tui.services.passwords import verify_password
from packweb_tui.store.database import Database
from packweb_tui.store.locks import sender_lock
from packweb_tui.store.models import (
    AuditEntry,
    Establishment,
    Letter,
    OutboxMessage,
    PortalAccount,
    PortalSettings,
    table_of,
)
from packweb_tui.store.types import utcnow
from tests.services.test_approval import UAI, setup
from tests.services.test_letters import pages_text
from tests.smtp_support import Mailbox, Received, SmtpServer, Tls, crash_once

SENDER = "Intendance du lycée <intendance@lycee-victor-hugo.fr>"
SCHOOL = "vie-scolaire@lycee-victor-hugo.fr"
PORTAL = "https://cantine.lycee-victor-hugo.fr"
DOMAIN = "lycee-victor-hugo.fr"


@pytest.fixture(autouse=True)
def quick_reconnect(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dropped connection is opened again at once (the delays are for real servers)."""
    monkeypatch.setattr(smtp, "RECONNECT_DELAYS", (0.0, 0.2, 0.5))


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    return Tls.make(tmp_path_factory.mktemp("tls"))


def make_config(
    server: SmtpServer | None,
    tmp_path: Path,
    security: str = "none",
    username: str | None = None,
    password: str | None = None,
    tls: Tls | None = None,
) -> Config:
    password_file = None
    if password is not None:
        password_file = tmp_path / "smtp-password"
        password_file.write_text(password + "\n", encoding="utf-8")
    return Config(
        smtp=SmtpConfig(
            host="127.0.0.1",
            port=server.port if server else 9,
            security=security,
            username=username,
            password_file=password_file,
            sender=SENDER,
            timeout=10,
            ca_file=tls.ca_file if tls else None,
        ),
        portal=PortalConfig(url=PORTAL),
        letters_directory=tmp_path / "lettres",
    )


async def approved_letters(db: Database) -> dict[int, str]:
    """The accounts of test_approval's requests, their letters queued, and a rejection;
    the establishment's email is set. Letter id → login."""
    ids = await setup(db)
    report = await approve_requests(db, list(ids.values()), "bob")
    await reject_requests(db, [ids["none-6"]], "Carte inconnue de la cantine", "bob")
    async with db.writing() as session:
        await session.execute(update(PortalSettings).values(school_email=SCHOOL))
    return {c.letter_id: c.login for c in report.created}


async def outbox_rows(db: Database) -> list[OutboxMessage]:
    async with db.reading() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def text_of(part: Any) -> str:
    return cast(str, part.get_content()).replace("\r\n", "\n")


def check_headers(message: EmailMessage, row: OutboxMessage) -> None:
    assert not message.defects and all(not p.defects for p in message.walk())
    assert message["From"] == SENDER
    assert message["To"] == row.to_addr
    assert message["Reply-To"] == SCHOOL
    assert message["Subject"] == row.subject
    assert message["Message-ID"] == message_id_for(row.id, row.created_at, DOMAIN)
    assert message["Date"].datetime.tzinfo is not None  # type: ignore[attr-defined]
    assert abs(message["Date"].datetime - datetime.now(UTC)) < timedelta(minutes=5)  # type: ignore[attr-defined]
    assert message["MIME-Version"] == "1.0"


async def check_letter(db: Database, received: Received, row: OutboxMessage, login: str) -> None:
    message = received.parsed()
    check_headers(message, row)
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    ]
    text = text_of(message.get_body(("plain",)))
    html = text_of(message.get_body(("html",)))
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"identifiants-{login}.pdf"
    [page] = pages_text(attachment.get_content())
    assert f"Identifiant : {login}" in page and f"Identifiant : {login}" in text
    found = re.search(r"Mot de passe : (\S+)", page)
    assert found is not None
    password = found.group(1)
    assert f"Mot de passe : {password}" in text and password in html
    assert PORTAL in text and PORTAL in page
    async with db.reading() as session:
        stored = await session.scalar(
            select(PortalAccount.password_hash).where(PortalAccount.login == login)
        )
    assert stored is not None and verify_password(stored, password)
    assert not verify_password(stored, password + "x")


# --- delivering, on both engines -------------------------------------------------------------
@pytest.mark.parametrize("security", ["none", "starttls"])
async def test_letters_and_rejections_arrive_whole(
    db: Database, tmp_path: Path, tls: Tls, security: str
) -> None:
    logins = await approved_letters(db)
    mailbox = Mailbox()
    calls: list[tuple[int, int]] = []
    async with SmtpServer(mailbox, tls=tls, mode=security) as server:
        config = make_config(server, tmp_path, security, tls=tls)
        report = await deliver_outbox(
            db, config, operator="bob", progress=lambda d, t: calls.append((d, t))
        )
        assert report.error is None and not report.failed and not report.deferred
        assert len(report.sent) == len(logins) + 1 == report.total
        assert calls[0] == (0, report.total) and calls[-1] == (report.total, report.total)
        assert report.summary() == f"{report.total} courriels envoyés sur {report.total}."
        # Nothing more is due: a second run sends nothing.
        again = await deliver_outbox(db, config, operator="bob")
        assert again.total == 0 and again.summary() == ""

    rows = {row.id: row for row in await outbox_rows(db)}
    assert len(mailbox.received) == len(rows)
    assert sorted(mailbox.message_ids()) == sorted(
        message_id_for(r.id, r.created_at, DOMAIN) for r in rows.values()
    )
    by_id = {r.message_id: r for r in mailbox.received}
    for row in rows.values():
        received = by_id[message_id_for(row.id, row.created_at, DOMAIN)]
        assert received.tls is (security != "none")
        assert received.mail_from == "intendance@lycee-victor-hugo.fr"
        assert received.rcpt_tos == [row.to_addr]  # one message a recipient
        assert row.status is OutboxStatus.SENT and row.sent_at and row.attempts == 1
        if row.kind == "letter":
            assert row.letter_id is not None
            await check_letter(db, received, row, logins[row.letter_id])
        else:
            message = received.parsed()
            check_headers(message, row)
            assert message.get_content_type() == "text/plain"
            assert text_of(message) == row.body and "Carte inconnue de la cantine" in row.body

    async with db.reading() as session:
        letters = (await session.scalars(select(Letter))).all()
        assert {x.state for x in letters} == {LetterState.SENT}
        assert all(x.password_plain is None and x.delivered_at for x in letters)
        accounts = (await session.scalars(select(PortalAccount))).all()
        assert {a.credentials for a in accounts} == {CredentialsState.SENT}
        audited = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "outbox.sent"))
        ).all()
        assert sorted(i for entry in audited for i in entry.row_ids) == sorted(rows)
        assert {entry.operator for entry in audited} == {"bob"}


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_implicit_tls_with_a_login_from_the_environment(
    sqlite_url: str, tmp_path: Path, tls: Tls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACKWEB_SMTP_PASSWORD", "s3cret-Ü")
    async with await Database.open(sqlite_url) as db:
        logins = await approved_letters(db)
        mailbox = Mailbox()
        async with SmtpServer(mailbox, tls=tls, mode="tls", users={"intendance": "s3cret-Ü"}) as s:
            config = make_config(s, tmp_path, "tls", username="intendance", tls=tls)
            report = await deliver_outbox(db, config)
        assert len(report.sent) == len(logins) + 1 and report.error is None
        assert all(r.tls and r.authenticated for r in mailbox.received)


async def test_a_refused_login_stops_everything_and_marks_nothing(
    sqlite_url: str, tmp_path: Path, tls: Tls
) -> None:
    async with await Database.open(sqlite_url) as db:
        await approved_letters(db)
        mailbox = Mailbox()
        async with SmtpServer(
            mailbox, tls=tls, mode="starttls", users={"intendance": "juste"}
        ) as s:
            config = make_config(s, tmp_path, "starttls", "intendance", "faux", tls)
            report = await deliver_outbox(db, config)
            assert report.error is not None and not report.sent and not report.deferred
            assert report.error.startswith("identifiant ou mot de passe SMTP refusé par 127.0.0.1")
            assert "535" in report.error and "intendance" in report.error
            # The command line says it in one line, exit status 1, no traceback.
            url = str(db.url)
            toml = tmp_path / "packweb.toml"
            toml.write_text(
                f'[smtp]\nhost = "127.0.0.1"\nport = {s.port}\nsecurity = "starttls"\n'
                f'username = "intendance"\npassword_file = "smtp-password"\n'
                f'sender = "{SENDER}"\nca_file = "{tls.ca_file}"\n',
                encoding="utf-8",
            )
            result = await asyncio.to_thread(
                CliRunner().invoke, cli, ["--db", url, "--config", str(toml), "outbox", "send"]
            )
        assert result.exit_code == 1, result.output
        assert "packweb : identifiant ou mot de passe SMTP refusé" in result.stderr
        assert "Traceback" not in result.output + result.stderr
        assert not mailbox.received
        rows = await outbox_rows(db)
        assert {(r.status, r.attempts, r.sent_at) for r in rows} == {(OutboxStatus.QUEUED, 0, None)}
        async with db.reading() as session:
            letters = (await session.scalars(select(Letter))).all()
            assert {x.state for x in letters} == {LetterState.PENDING}
            assert all(x.password_plain for x in letters)


async def test_an_unchecked_certificate_is_refused(
    sqlite_url: str, tmp_path: Path, tls: Tls
) -> None:
    async with await Database.open(sqlite_url) as db:
        await approved_letters(db)
        async with SmtpServer(Mailbox(), tls=tls, mode="starttls") as server:
            config = make_config(server, tmp_path, "starttls")  # no ca_file: not trusted
            report = await deliver_outbox(db, config)
        assert report.error is not None and "certificat refusé" in report.error
        assert {r.status for r in await outbox_rows(db)} == {OutboxStatus.QUEUED}


async def test_starttls_asked_of_a_server_without_it_stops_the_run(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with await Database.open(sqlite_url) as db:
        await approved_letters(db)
        async with SmtpServer(Mailbox()) as server:  # plain, no STARTTLS offered
            report = await deliver_outbox(db, make_config(server, tmp_path, "starttls"))
        assert report.error is not None
        assert "le serveur ne propose pas STARTTLS (essayez security" in report.error
        assert {r.status for r in await outbox_rows(db)} == {OutboxStatus.QUEUED}


async def test_a_refused_recipient_fails_with_the_servers_words(
    db: Database, tmp_path: Path
) -> None:
    logins = await approved_letters(db)
    rows = await outbox_rows(db)
    refused = next(r for r in rows if r.kind == "letter")
    mailbox = Mailbox(refuse={refused.to_addr: "550 5.1.1 <boite> : utilisateur inconnu"})
    async with SmtpServer(mailbox) as server:
        config = make_config(server, tmp_path)
        report = await deliver_outbox(db, config)
        assert len(report.sent) == len(rows) - 1 and report.error is None
        [failed] = report.failed
        assert failed.outbox_id == refused.id
        assert failed.reason == "refusé par le serveur : 550 5.1.1 <boite> : utilisateur inconnu"
        row = {r.id: r for r in await outbox_rows(db)}[refused.id]
        assert row.status is OutboxStatus.FAILED and row.last_error == failed.reason
        async with db.reading() as session:
            letter = await session.get(Letter, refused.letter_id)
            assert letter is not None and letter.state is LetterState.FAILED
            assert letter.error == failed.reason and letter.password_plain  # kept: try again
            account = await session.get(PortalAccount, letter.account_id)
            assert account is not None and account.credentials is CredentialsState.FAILED
        assert len(mailbox.received) == len(rows) - 1
        assert refused.to_addr not in {to for r in mailbox.received for to in r.rcpt_tos}

        # The address is put right; the console sends that letter again: it goes.
        mailbox.refuse.clear()
        assert refused.letter_id is not None
        again = await deliver_outbox(db, config, letter_ids=[refused.letter_id])
    assert [s.outbox_id for s in again.sent] == [refused.id]
    assert mailbox.message_ids().count(message_id_for(refused.id, refused.created_at, DOMAIN)) == 1
    async with db.reading() as session:
        letter = await session.get(Letter, refused.letter_id)
        assert letter is not None and letter.state is LetterState.SENT
        assert letter.password_plain is None and letter.error is None
        account = await session.get(PortalAccount, letter.account_id)
        assert account is not None and account.credentials is CredentialsState.SENT
    assert logins


async def test_a_busy_mailbox_is_tried_again_later(sqlite_url: str, tmp_path: Path) -> None:
    async with await Database.open(sqlite_url) as db:
        await approved_letters(db)
        first = (await outbox_rows(db))[0]
        mailbox = Mailbox(refuse={first.to_addr: "450 4.2.1 boîte occupée, réessayez"})
        async with SmtpServer(mailbox) as server:
            config = make_config(server, tmp_path)
            report = await deliver_outbox(db, config)
            [deferred] = report.deferred
            assert deferred.outbox_id == first.id and "450 4.2.1" in deferred.reason
            row = (await outbox_rows(db))[0]
            assert row.status is OutboxStatus.QUEUED and row.attempts == 1
            assert row.next_attempt_at - utcnow() > timedelta(seconds=50)
            async with db.reading() as session:
                letter = await session.get(Letter, first.letter_id)
                assert letter is not None and letter.state is LetterState.PENDING
                assert letter.error == deferred.reason
            # Not due yet; due two minutes later.
            assert (await deliver_outbox(db, config)).total == 0
            mailbox.refuse.clear()
            later = await deliver_outbox(db, config, now=utcnow() + timedelta(minutes=2))
        assert [s.outbox_id for s in later.sent] == [first.id]
        assert (await outbox_rows(db))[0].attempts == 2


async def test_a_letter_delivered_meanwhile_is_not_sent(sqlite_url: str, tmp_path: Path) -> None:
    async with await Database.open(sqlite_url) as db:
        letters = sorted(await approved_letters(db))
        async with db.writing() as session:  # printed between queuing and sending
            await session.execute(
                update(Letter)
                .where(Letter.id == letters[0])
                .values(state=LetterState.PRINTED, password_plain=None)
            )
        mailbox = Mailbox()
        async with SmtpServer(mailbox) as server:
            report = await deliver_outbox(db, make_config(server, tmp_path))
        [cancelled] = report.cancelled
        assert cancelled.letter_id == letters[0] and "déjà remise" in cancelled.reason
        assert len(mailbox.received) == report.total - 1
        row = next(r for r in await outbox_rows(db) if r.letter_id == letters[0])
        assert row.status is OutboxStatus.CANCELLED and row.sent_at is None


async def test_letters_voided_or_printed_during_the_run_keep_their_old_password(
    sqlite_url: str, tmp_path: Path
) -> None:
    """The sender reads messages ahead and renders their PDFs early; a letter voided by a new
    password or printed while the run is under way must not go with its old password."""
    from packweb_tui.services.editions import print_edition
    from packweb_tui.services.letters import reset_password

    async with await Database.open(sqlite_url) as db:
        letters = await many_letters(db, 40)
        voided, printed = letters[-1], letters[-2]
        done = False

        async def meanwhile(accepted: int) -> bool:  # the server, at its third message
            nonlocal done
            if accepted == 2 and not done:
                done = True
                await reset_password(db, "eleve.039", "alice")
                await print_edition(db, UAI, tmp_path / "edition.pdf", "alice", PORTAL, [printed])
            return False

        mailbox = Mailbox(crash=meanwhile)
        async with SmtpServer(mailbox) as server:
            config = make_config(server, tmp_path)
            report = await deliver_outbox(db, config)
            assert done and report.total == 40 and len(report.sent) == 38
            assert {c.letter_id for c in report.cancelled} == {voided, printed}
            # The new letter's email goes at the next run, with the new password.
            again = await deliver_outbox(db, config)
        [new] = again.sent
        assert new.letter_id not in letters and new.to == "parent39@exemple.fr"
        async with db.reading() as session:
            account = await session.scalar(
                select(PortalAccount).where(PortalAccount.login == "eleve.039")
            )
        assert account is not None
        [to_voided] = [r for r in mailbox.received if r.rcpt_tos == ["parent39@exemple.fr"]]
        assert len(mailbox.received) == 39
        message = to_voided.parsed()
        [attachment] = list(message.iter_attachments())
        [page] = pages_text(attachment.get_content())
        [password] = re.findall(r"Mot de passe : (\S+)", text_of(message.get_body(("plain",))))
        assert f"Mot de passe : {password}" in page and password != "Kp7m-X2qr-9tzh-Wd"
        assert verify_password(account.password_hash, password)
        assert not any(r.rcpt_tos == ["parent38@exemple.fr"] for r in mailbox.received)


async def test_the_preview_pdf_goes_once_the_letter_is_sent(
    sqlite_url: str, tmp_path: Path
) -> None:
    """The console wrote the letter's PDF for its preview: it holds the password, which is
    wiped from the store on delivery; the file goes too."""
    from packweb_tui.services.letters import letter_preview

    async with await Database.open(sqlite_url) as db:
        letters = sorted(await approved_letters(db))
        async with SmtpServer(Mailbox()) as server:
            config = make_config(server, tmp_path)
            shown = await letter_preview(db, letters[0], PORTAL, config.letters_directory)
            assert shown.pdf_path is not None and shown.pdf_path.exists()
            report = await deliver_outbox(db, config)
        assert letters[0] in {s.letter_id for s in report.sent}
        assert not shown.pdf_path.exists()


async def test_one_sender_at_a_time(db: Database, tmp_path: Path) -> None:
    await approved_letters(db)
    async with sender_lock(db) as mine:
        assert mine
        report = await deliver_outbox(db, make_config(None, tmp_path))
        assert report.busy and report.error is not None
        assert "un autre envoi est déjà en cours" in report.error
        assert report.summary().startswith("Un autre envoi est déjà en cours")
    assert {r.status for r in await outbox_rows(db)} == {OutboxStatus.QUEUED}


# --- the server crashes in the middle of a batch ---------------------------------------------
async def many_letters(db: Database, count: int) -> list[int]:
    """`count` accounts with their letters and emails queued, straight into the store (the
    same rows as an approval writes, without hashing `count` passwords)."""
    from packweb_tui.services.passwords import hash_password

    await add_establishment(db, UAI, "Lycée Victor-Hugo", "bob")
    password_hash = hash_password("Kp7m-X2qr-9tzh-Wd")
    now = utcnow()
    async with db.writing() as session:
        eid = await session.scalar(select(Establishment.id))
        accounts = (
            await session.execute(
                insert(table_of(PortalAccount)).returning(table_of(PortalAccount).c.id),
                [
                    {
                        "establishment_id": eid, "login": f"eleve.{n:03d}",
                        "password_hash": password_hash, "email": f"parent{n}@exemple.fr",
                        "must_change_password": True, "enabled": True,
                        "credentials": CredentialsState.TO_SEND, "created_at": now,
                        "created_by": "bob", "updated_at": now,
                    }
                    for n in range(count)
                ],
            )
        ).scalars().all()  # fmt: skip
        letters = (
            await session.execute(
                insert(table_of(Letter)).returning(table_of(Letter).c.id),
                [
                    {"account_id": a, "state": LetterState.PENDING,
                     "password_plain": "Kp7m-X2qr-9tzh-Wd", "created_at": now, "created_by": "bob"}
                    for a in accounts
                ],
            )
        ).scalars().all()  # fmt: skip
        await session.execute(
            insert(table_of(OutboxMessage)),
            [
                {"kind": "letter", "letter_id": lid, "to_addr": f"parent{n}@exemple.fr",
                 "subject": "Vos identifiants", "body": "", "status": OutboxStatus.QUEUED,
                 "attempts": 0, "created_at": now, "next_attempt_at": now}
                for n, lid in enumerate(letters)
            ],
        )  # fmt: skip
    return list(letters)


async def test_a_server_crash_in_the_middle_of_200_loses_and_doubles_nothing(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with await Database.open(sqlite_url) as db:
        await many_letters(db, 200)
        box: list[SmtpServer] = []
        mailbox = Mailbox(crash=crash_once(box, at=70, back_after=0.3))
        async with SmtpServer(mailbox) as server:
            box.append(server)
            config = make_config(server, tmp_path)
            report = await deliver_outbox(db, config)
            # The 71st was cut in the middle of its data: it waits for its next try; the
            # connection was opened again for the rest once the server was back.
            assert report.error is None and len(report.sent) == 199
            [cut] = report.deferred
            assert "connexion perdue" in cut.reason
            later = await deliver_outbox(db, config, now=utcnow() + timedelta(minutes=2))
            assert [s.outbox_id for s in later.sent] == [cut.outbox_id]
        rows = await outbox_rows(db)
        ids = mailbox.message_ids()
        assert len(ids) == len(set(ids)) == 200  # each once
        assert set(ids) == {message_id_for(r.id, r.created_at, DOMAIN) for r in rows}
        assert {r.status for r in rows} == {OutboxStatus.SENT}
        async with db.reading() as session:
            states = (await session.execute(select(Letter.state, Letter.password_plain))).all()
        assert set(states) == {(LetterState.SENT, None)}


async def test_a_server_that_stays_down(sqlite_url: str, tmp_path: Path) -> None:
    async with await Database.open(sqlite_url) as db:
        await many_letters(db, 30)
        box: list[SmtpServer] = []
        mailbox = Mailbox(crash=crash_once(box, at=10, back_after=3600))
        async with SmtpServer(mailbox) as server:
            box.append(server)
            report = await deliver_outbox(db, make_config(server, tmp_path))
        assert len(report.sent) == 10 and len(report.deferred) == 20
        assert report.error is not None
        assert report.error.startswith(f"serveur de messagerie 127.0.0.1:{server.port} injoignable")
        assert report.error.endswith("connexion refusée")
        assert report.summary() == (
            "10 courriels envoyés sur 30, 20 à réessayer plus tard. Serveur de messagerie "
            f"127.0.0.1:{server.port} injoignable : connexion refusée."
        )
        rows = await outbox_rows(db)
        waiting = [r for r in rows if r.status is OutboxStatus.QUEUED]
        assert len(waiting) == 20 and {r.attempts for r in waiting} == {1}
        assert all(r.next_attempt_at > utcnow() for r in waiting)


def test_command_line_unreachable_server_and_list(sqlite_url: str, tmp_path: Path) -> None:
    async def prepare() -> None:
        async with await Database.open(sqlite_url) as db:
            await many_letters(db, 3)

    asyncio.run(prepare())
    toml = tmp_path / "packweb.toml"
    toml.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = 9\nsecurity = "none"\nsender = "{SENDER}"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    base = ["--db", sqlite_url, "--config", str(toml), "outbox"]
    result = runner.invoke(cli, [*base, "send"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "packweb : serveur de messagerie 127.0.0.1:9 injoignable : connexion refusée"
    )
    assert "3 à réessayer plus tard" in result.stdout and "Traceback" not in result.output
    result = runner.invoke(cli, [*base, "list", "--json"])
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert [i["status"] for i in items] == ["queued"] * 3
    assert items[0]["attempts"] == 1 and "connexion refusée" in items[0]["last_error"]
    assert items[0]["message_id"].endswith(f"@{DOMAIN}>")
    assert "Kp7m" not in result.stdout  # never a password
    result = runner.invoke(cli, [*base, "list"])
    assert result.exit_code == 0 and "en file" in result.stdout and "3 messages" in result.stdout


def test_command_line_without_a_sender(sqlite_url: str, tmp_path: Path) -> None:
    async def prepare() -> None:
        async with await Database.open(sqlite_url) as db:
            await many_letters(db, 1)

    asyncio.run(prepare())
    toml = tmp_path / "packweb.toml"
    toml.write_text('[smtp]\nhost = "127.0.0.1"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "--config", str(toml), "outbox", "send"])
    assert result.exit_code == 2 and "[smtp] sender manquant" in result.stderr


# --- configuration -----------------------------------------------------------------------------
def test_smtp_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PACKWEB_SMTP_PASSWORD", raising=False)
    toml = tmp_path / "packweb.toml"
    (tmp_path / "pw").write_text("mot de passe\n", encoding="utf-8")
    toml.write_text(
        '[smtp]\nhost = "smtp.exemple.fr"\nusername = "u"\npassword_file = "pw"\n'
        f'sender = "{SENDER}"\ntimeout = 12\n',
        encoding="utf-8",
    )
    config = load_config(str(toml))
    settings = smtp_settings(config.smtp)
    assert (settings.password, settings.timeout, settings.sender.domain) == (
        "mot de passe",
        12.0,
        DOMAIN,
    )
    assert "mot de passe" not in repr(settings)
    with pytest.raises(InputError, match="sender manquant"):
        smtp_settings(SmtpConfig())
    with pytest.raises(InputError, match="username sans mot de passe"):
        smtp_settings(SmtpConfig(username="u", sender=SENDER))
    monkeypatch.setenv("PACKWEB_SMTP_PASSWORD", "depuis l'environnement")
    assert smtp_settings(SmtpConfig(username="u", sender=SENDER)).password == (
        "depuis l'environnement"
    )
    with pytest.raises(InputError, match="password_file illisible"):
        smtp_settings(SmtpConfig(username="u", password_file=tmp_path / "non", sender=SENDER))
    toml.write_text("[smtp]\ntimeout = 'long'\n", encoding="utf-8")
    with pytest.raises(InputError, match="timeout"):
        load_config(str(toml))


# --- the messages (pure) -----------------------------------------------------------------------
def content(**changes: Any) -> LetterContent:
    from datetime import date

    base = LetterContent(
        establishment="Lycée Zoë Œuvray", uai=UAI, address=("1 rue de l'École", "75001 Paris"),
        school_email=SCHOOL, holder="Nguyễn Thị Mai", recipient_email="parent@exemple.fr",
        hosts=("NGUYỄN Thị Mai, carte …0001",), login="mai.nguyen", password="Kp7m-X2qr-9tzh-Wd",
        portal_url=PORTAL, issued_on=date(2026, 9, 1),
    )  # fmt: skip
    return replace(base, **changes)


def test_a_letter_message_parses_back_without_defect() -> None:
    sender = Sender.parse(SENDER)
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 300
    mail = letter_mail(content(), pdf, sender, "parent@exemple.fr", "<m.1@x>")
    assert mail.data.count(b"\r\n") == mail.data.count(b"\n")  # CRLF only
    assert max(len(line) for line in mail.data.split(b"\r\n")) <= 78
    message = cast(EmailMessage, email.message_from_bytes(mail.data, policy=policy.default))
    assert not message.defects and all(not p.defects for p in message.walk())
    assert message["Subject"] == "Vos identifiants de l'espace numérique – Lycée Zoë Œuvray"
    assert message["From"].addresses[0].display_name == "Intendance du lycée"  # type: ignore[attr-defined]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == pdf
    assert "Nguyễn Thị Mai" in text_of(message.get_body(("plain",)))
    assert (mail.sender, mail.recipient) == ("intendance@lycee-victor-hugo.fr", "parent@exemple.fr")


def test_a_long_sender_name_is_folded_in_short_encoded_words() -> None:
    """RFC 2047: encoded words of 75 characters at most, lines of 78."""
    from email.header import decode_header, make_header

    name = "Service d'intendance et de restauration scolaire du lycée régional Françoise-Dolto"
    sender = Sender(name, "intendance@lycee.fr")
    mail = compose(
        sender=sender, to="a@exemple.fr", subject="Essai", text="x", message_id="<m.2@x>"
    )
    head = mail.data.split(b"\r\n\r\n")[0].decode("ascii")
    assert max(len(line) for line in head.split("\r\n")) <= 78
    assert all(len(w) <= 75 for w in re.findall(r"=\?utf-8\?[qb]\?[^?]*\?=", head))
    raw_from = re.search(r"^From: (.*?)\r\n(?! )", head + "\r\n", re.S | re.M)
    assert raw_from is not None
    assert str(make_header(decode_header(raw_from.group(1)))) == f"{name} <intendance@lycee.fr>"


def test_text_lines_survive_encoding() -> None:
    body = "Bonjour,\n\n.\n. seul point\nFrom nulle part\n" + "é" * 200 + "\nfin  \n"
    mail = compose(
        sender=Sender.parse("ecole@exemple.fr"), to="x@exemple.fr",
        subject="S" * 120 + " et un sujet assez long pour être replié sur deux lignes au moins",
        text=body, message_id="<m.2@x>",
    )  # fmt: skip
    message = email.message_from_bytes(mail.data, policy=policy.default)
    assert not message.defects and text_of(message) == body
    assert message["Subject"].startswith("S" * 120 + " et un sujet")
    assert "Reply-To" not in message
    assert mail.data.startswith(b"Date: ")
    assert max(len(line) for line in mail.data.split(b"\r\n")[6:]) <= 78  # after Subject


def test_addresses() -> None:
    assert ascii_address("Parent@Exemple.FR") == "Parent@exemple.fr"
    assert ascii_address("parent@école.fr") == "parent@xn--cole-9oa.fr"
    assert ascii_address("zoe.d'herouville@exemple.fr") == "zoe.d'herouville@exemple.fr"
    for bad in ("sans-arobase", "a@b@c", "a b@c.fr", "x@y.fr\r\nBcc: z@w.fr", "é@exemple.fr"):
        with pytest.raises(AddressError):
            ascii_address(bad)
    created = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    assert message_id_for(7, created, DOMAIN) == f"<packweb.outbox.7.1788249600@{DOMAIN}>"
    assert Sender.parse("ecole@exemple.fr") == Sender("", "ecole@exemple.fr")
    with pytest.raises(AddressError):
        Sender.parse("Intendance")


async def test_a_bad_address_fails_alone(sqlite_url: str, tmp_path: Path) -> None:
    async with await Database.open(sqlite_url) as db:
        await many_letters(db, 3)
        async with db.writing() as session:
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == 2).values(to_addr="parent@@x")
            )
        async with SmtpServer(Mailbox()) as server:
            report = await deliver_outbox(db, make_config(server, tmp_path))
        assert len(report.sent) == 2 and [f.outbox_id for f in report.failed] == [2]
        assert "invalide" in report.failed[0].reason
        listed = await list_outbox(db, [OutboxStatus.FAILED], SENDER)
        assert [v.id for v in listed] == [2] and listed[0].message_id is not None


async def test_a_run_cancelled_midway_leaves_a_clean_queue(sqlite_url: str, tmp_path: Path) -> None:
    """The console quits during a delivery: what went is recorded, the rest waits, the next
    run sends it once; the worker processes and the lock are let go."""
    async with await Database.open(sqlite_url) as db:
        await many_letters(db, 50)  # enough for the worker processes
        mailbox = Mailbox()
        async with SmtpServer(mailbox) as server:
            config = make_config(server, tmp_path)
            reached = asyncio.Event()

            def progress(done: int, total: int) -> None:
                if done >= 5:
                    reached.set()

            run = asyncio.create_task(deliver_outbox(db, config, progress=progress))
            await asyncio.wait_for(reached.wait(), 30)
            run.cancel()
            with pytest.raises(asyncio.CancelledError):
                await run
            sent = {r.id for r in await outbox_rows(db) if r.status is OutboxStatus.SENT}
            assert 5 <= len(sent) < 50 and len(mailbox.received) == len(sent)
            rest = await deliver_outbox(db, config)
        assert rest.total == 50 - len(sent) and len(rest.sent) == rest.total
        ids = mailbox.message_ids()
        assert len(ids) == len(set(ids)) == 50


async def test_a_stop_ends_the_run_after_the_message_under_way(
    sqlite_url: str, tmp_path: Path
) -> None:
    """The daemon's SIGTERM: the run ends at once, not after the whole batch; the messages
    not tried are left as they were (due, no try counted), for the next run, once each."""
    async with await Database.open(sqlite_url) as db:
        await many_letters(db, 30)
        mailbox = Mailbox()
        stop = asyncio.Event()

        def progress(done: int, total: int) -> None:
            if done == 5:
                stop.set()

        async with SmtpServer(mailbox) as server:
            config = make_config(server, tmp_path)
            report = await deliver_outbox(db, config, progress=progress, stop=stop)
            assert len(report.sent) == 5 and report.error is not None
            assert "arrêt demandé" in report.error and "25 non tentés" in report.summary()
            waiting = [r for r in await outbox_rows(db) if r.status is OutboxStatus.QUEUED]
            assert len(waiting) == 25 and {r.attempts for r in waiting} == {0}
            rest = await deliver_outbox(db, config)
        assert len(rest.sent) == 25
        ids = mailbox.message_ids()
        assert len(ids) == len(set(ids)) == 30
