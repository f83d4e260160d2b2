"""The review of the requests that need an eye, and the establishment's outbox, driven by the
keyboard at 80x24 (the real services, a SQLite file, a real SMTP server)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Label, OptionList, Static

from packweb_tui.config import Config, SmtpConfig
from packweb_tui.domain.hosts import HostRecord
from packweb_tui.domain.requests import RequestRecord, RequestStatus
from packweb_tui.domain.states import OutboxStatus
from packweb_tui.services import queue
from packweb_tui.services.hosts import import_hosts
from packweb_tui.services.queue import pending_queue
from packweb_tui.services.requests import import_requests
from packweb_tui.store.database import Database
from packweb_tui.store.models import AccountRequest, OutboxMessage
from packweb_tui.tui.app import PackWebApp
from packweb_tui.tui.screens.console import ConsoleScreen
from packweb_tui.tui.screens.decisions import ConfirmScreen, ReasonScreen
from packweb_tui.tui.screens.outbox import OutboxScreen
from packweb_tui.tui.screens.review import ReviewScreen
from packweb_tui.tui.state import remember_uai
from tests.smtp_support import Mailbox, SmtpServer
from tests.tui.support import FIXED_NOW, LYCEE, OPERATOR, E, P, make_console_db, wait_loaded
from tests.tui.test_requests import names, until

SIZE = (80, 24)
SENDER = "Intendance <intendance@lycee-victor-hugo.fr>"


@pytest.fixture
def lycee_url(tmp_path: Path) -> str:
    """The console's store at the lycée: DUPONT and Leroy exact, Martin probable, Inconnu
    none; and DURAND Léa, whose card digits two hosts of that name share (ambiguous)."""
    remember_uai(LYCEE[0])
    url = make_console_db(tmp_path / "console.db", FIXED_NOW)

    async def twins() -> None:
        async with await Database.open(url) as db:
            hosts = [
                HostRecord(LYCEE[0], card, "Durand", "Léa", E, P, klass)
                for card, klass in (("5550012345", "2nde 1"), ("6660012345", "Tle 4"))
            ]
            await import_hosts(db, hosts, OPERATOR, "hosts.csv")
            request = RequestRecord(
                f"{LYCEE[0]}-000009", LYCEE[0], "12345", "Durand", "Léa", "p9@example.fr",
                FIXED_NOW,
            )  # fmt: skip
            await import_requests(db, [request], OPERATOR, "requests.json")

    asyncio.run(twins())
    return url


def make_app(url: str, tmp_path: Path, port: int = 9) -> PackWebApp:
    smtp = SmtpConfig(host="127.0.0.1", port=port, security="none", sender=SENDER, timeout=10)
    config = Config(smtp=smtp, letters_directory=tmp_path / "lettres")
    return PackWebApp(db_url=url, operator=OPERATOR, clock=lambda: FIXED_NOW, config=config)


def review(app: PackWebApp) -> ReviewScreen:
    assert isinstance(app.screen, ReviewScreen), app.screen_stack
    return app.screen


def title(app: PackWebApp) -> str:
    return str(app.screen.query_one("#detail-title", Label).content)


async def dialog_after(pilot: Pilot[Any], key: str) -> str:
    """Press `key`, then the text of the dialog it opens."""
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    return str(pilot.app.screen.query_one(".decision-body", Static).content)


def proposal(app: PackWebApp) -> str:
    return str(app.screen.query_one("#review-proposal", Static).content)


async def on_line(pilot: Pilot[Any], position: str) -> ReviewScreen:
    """Until the review shows line `position` (``2 / 3``), read, its keys ready."""
    app = pilot.app
    assert isinstance(app, PackWebApp)
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, ReviewScreen)
            and app.screen.ready
            and f"  {position}  " in title(app)
        ),
    )
    return review(app)


async def statuses(url: str) -> dict[str, tuple[RequestStatus, str | None, str | None]]:
    async with await Database.open(url) as db, db.reading() as session:
        rows = await session.execute(
            select(
                AccountRequest.last_name,
                AccountRequest.status,
                AccountRequest.attached_by,
                AccountRequest.reject_reason,
            )
        )
        return {last: (status, by, reason) for last, status, by, reason in rows}


async def test_one_key_decides_each_request_and_moves_on(lycee_url: str, tmp_path: Path) -> None:
    app = make_app(lycee_url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("v")  # Martin (probable), Inconnu (none), Durand (ambiguous)
        screen = await on_line(pilot, "1 / 3")
        assert "Martin" in str(screen.query_one("#detail-request", Static).content)
        assert "Proposé : g accepter avec MARTIN Lucas" in proposal(app)
        await pilot.press("g")
        await on_line(pilot, "2 / 3")
        assert "1 acceptée" in title(app)
        assert "Proposé : r refuser, motif « Carte inconnue de l'établissement »" in proposal(app)
        # Back to the first: decided, its keys do nothing any more.
        await pilot.press("left")
        await on_line(pilot, "1 / 3")
        assert proposal(app).startswith("Acceptée : compte ")
        await pilot.press("g", "r")
        assert not isinstance(app.screen, ReasonScreen)
        await pilot.press("right")
        await on_line(pilot, "2 / 3")
        # The reason of its kind comes pre-selected: Entrée confirms it.
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReasonScreen))
        reasons = app.screen.query_one(OptionList)
        assert reasons.highlighted is not None
        assert str(reasons.get_option_at_index(reasons.highlighted).prompt).startswith("Carte")
        await pilot.press("enter")
        await on_line(pilot, "3 / 3")
        # Two candidates of the same names: the digit picks one.
        assert "À départager : 1 à 2 accepter avec ce candidat" in proposal(app)
        assert len(review(app).query_one(OptionList).options) == 2
        summary = await dialog_after(pilot, "2")
        assert "2 comptes créés" in summary and "1 demande refusée" in summary
        assert "0 laissée en attente" in summary
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and len(names(app)) == 2)
        assert names(app) == ["DUPONT", "Leroy"]
    decided = await statuses(lycee_url)
    assert decided["Martin"] == (RequestStatus.APPROVED, OPERATOR, None)
    assert decided["Inconnu"] == (
        RequestStatus.REJECTED, None, "Carte inconnue de l'établissement",
    )  # fmt: skip
    assert decided["Durand"][:2] == (RequestStatus.APPROVED, OPERATOR)
    async with await Database.open(lycee_url) as db:
        detail = await queue.request_detail(db, await request_id(db, "Durand"))
    assert [h.class_name for h in detail.hosts if h.attached] == ["Tle 4"]  # the second


async def request_id(db: Database, last_name: str) -> int:
    async with db.reading() as session:
        found = await session.scalar(
            select(AccountRequest.id).where(AccountRequest.last_name == last_name)
        )
    assert found is not None
    return found


async def test_leaving_half_way_keeps_what_was_decided(lycee_url: str, tmp_path: Path) -> None:
    app = make_app(lycee_url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("v")
        await on_line(pilot, "1 / 3")
        await pilot.press("space")  # Martin left as he is
        await on_line(pilot, "2 / 3")
        body = await dialog_after(pilot, "R")  # the rest whose kind says why: Inconnu
        assert "Refuser 1 demande" in body
        assert "Introuvable (1) : « Carte inconnue de l'établissement »" in body
        await pilot.press("enter")
        await on_line(pilot, "3 / 3")
        summary = await dialog_after(pilot, "escape")
        assert "0 compte créé" in summary and "1 demande refusée" in summary
        assert "2 laissées en attente" in summary
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and len(names(app)) == 4)
    decided = await statuses(lycee_url)
    assert decided["Inconnu"][0] is RequestStatus.REJECTED
    assert decided["Martin"][0] is decided["Durand"][0] is RequestStatus.PENDING


async def test_no_key_approves_before_its_request_is_on_screen(
    lycee_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key typed ahead never decides a request the operator has not seen yet."""
    shown = asyncio.Event()
    read = queue.request_detail

    async def slow_read(db: Database, request_id: int) -> queue.RequestDetail:
        await shown.wait()
        return await read(db, request_id)

    monkeypatch.setattr(queue, "request_detail", slow_read)
    app = make_app(lycee_url, tmp_path)
    rang: list[None] = []
    app.bell = lambda: rang.append(None)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("g", "1", "r", "R")
        await pilot.pause(0.2)
        assert not review(app).ready and "1 / 3" in title(app)
        assert len(rang) == 4  # each key refused, and the bell says so
        assert isinstance(app.screen, ReviewScreen)  # no dialog opened either
        shown.set()
        await on_line(pilot, "1 / 3")
    assert all(s[0] is RequestStatus.PENDING for s in (await statuses(lycee_url)).values())


async def test_refusals_leave_from_the_establishments_outbox(
    lycee_url: str, tmp_path: Path
) -> None:
    mailbox = Mailbox()
    async with SmtpServer(mailbox) as server:
        app = make_app(lycee_url, tmp_path, server.port)
        async with app.run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            await pilot.press("v")
            await on_line(pilot, "1 / 3")
            await pilot.press("g")  # Martin: a letter
            await on_line(pilot, "2 / 3")
            await pilot.press("R", "enter")  # Inconnu: a refusal
            await on_line(pilot, "3 / 3")
            await pilot.press("escape", "escape")
            await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
            await pilot.press("o")
            await until(
                pilot,
                lambda: isinstance(app.screen, OutboxScreen) and app.screen.board is not None,
            )
            counts = str(app.screen.query_one("#outbox-counts", Static).content)
            assert counts == "2 en file"
            info = str(app.screen.query_one("#outbox-info", Static).content)
            assert info.startswith("n° 1, lettre à p2@example.fr : Vos identifiants")
            await pilot.press("down")
            info = str(app.screen.query_one("#outbox-info", Static).content)
            assert info.startswith("n° 2, refus à p3@example.fr : Demande de compte non")
            question = await dialog_after(pilot, "m")
            assert question.startswith("Envoyer 2 courriels maintenant (1 lettre, 1 refus) ?")
            await pilot.press("enter")
            await until(
                pilot,
                lambda: (
                    isinstance(app.screen, OutboxScreen)
                    and str(app.screen.query_one("#outbox-counts", Static).content)
                    == "0 en file · 2 envoyés"
                ),
            )
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
    assert sorted(r.rcpt_tos[0] for r in mailbox.received) == ["p2@example.fr", "p3@example.fr"]
    async with await Database.open(lycee_url) as db, db.reading() as session:
        sent = (await session.scalars(select(OutboxMessage.status))).all()
    assert set(sent) == {OutboxStatus.SENT}


async def test_what_waits_for_a_later_try_is_sent_again_now(lycee_url: str, tmp_path: Path) -> None:
    # The server is down: both emails wait for a later try, with why.
    app = make_app(lycee_url, tmp_path)
    async with await Database.open(lycee_url) as db:
        rows = (await pending_queue(db, LYCEE[0])).rows
        from packweb_tui.services.decisions.reject import reject_requests

        await reject_requests(db, [r.id for r in rows[2:4]], "Demande en double", OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, OutboxScreen) and app.screen.board)
        await pilot.press("m", "enter")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, OutboxScreen)
                and "2 à réessayer plus tard"
                in str(app.screen.query_one("#outbox-counts").render())
            ),
        )
        info = str(app.screen.query_one("#outbox-info", Static).content)
        assert "prochain essai le" in info and "127.0.0.1:9 injoignable" in info
        assert app.screen.check_action("send", (False,)) is None  # nothing due now
    # The server is back: r sends them at once.
    mailbox = Mailbox()
    async with SmtpServer(mailbox) as server:
        app = make_app(lycee_url, tmp_path, server.port)
        async with app.run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            await pilot.press("o")
            await until(pilot, lambda: isinstance(app.screen, OutboxScreen) and app.screen.board)
            await pilot.press("r")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("enter")
            await until(
                pilot,
                lambda: (
                    isinstance(app.screen, OutboxScreen)
                    and str(app.screen.query_one("#outbox-counts", Static).content)
                    == "0 en file · 2 envoyés"
                ),
            )
    assert len(mailbox.received) == 2


async def test_skipped_requests_stay_in_the_list(
    lycee_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Skipping is not deciding: the Demandes list does not drop the skipped lines (it
    dropped them at once, until the queue was read again)."""
    from packweb_tui.tui.panes.requests import RequestsPane

    dropped: list[set[int]] = []
    drop = RequestsPane._decided

    def spy(pane: RequestsPane, ids: set[int]) -> None:
        dropped.append(set(ids))
        drop(pane, ids)

    monkeypatch.setattr(RequestsPane, "_decided", spy)
    app = make_app(lycee_url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("v")
        await on_line(pilot, "1 / 3")
        await pilot.press("space")
        await on_line(pilot, "2 / 3")
        await pilot.press("space")
        await on_line(pilot, "3 / 3")
        summary = await dialog_after(pilot, "escape")
        assert "0 compte créé" in summary
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and len(names(app)) == 5)
    assert dropped == []


async def test_the_candidates_arrows_stop_at_the_last(lycee_url: str, tmp_path: Path) -> None:
    """One ↓ too many does not go round to the first candidate (the host search's bug)."""
    app = make_app(lycee_url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("v")
        await on_line(pilot, "1 / 3")
        await pilot.press("space", "space")  # to Durand Léa: two hosts share her digits
        screen = await on_line(pilot, "3 / 3")
        hosts = screen.query_one("#detail-hosts", OptionList)
        assert hosts.option_count == 2
        await pilot.press("down", "down", "down", "down")
        await pilot.pause()
        assert hosts.highlighted == 1


async def test_keys_typed_with_o_reach_the_outbox(lycee_url: str, tmp_path: Path) -> None:
    """`o`, `m`, `Entrée` in one burst (over SSH): `m` waits for the list instead of being
    dropped while the outbox is read, and the emails go."""
    mailbox = Mailbox()
    async with SmtpServer(mailbox) as server:
        app = make_app(lycee_url, tmp_path, server.port)
        async with app.run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            await pilot.press("v")
            await on_line(pilot, "1 / 3")
            await pilot.press("space", "R", "enter")  # Inconnu: a refusal
            await on_line(pilot, "3 / 3")
            await pilot.press("escape", "escape")
            await until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
            await pilot.press("o", "m", "enter")
            await until(pilot, lambda: len(mailbox.received) == 1)
    assert [r.rcpt_tos[0] for r in mailbox.received] == ["p3@example.fr"]
