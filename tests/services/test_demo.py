"""The demo: bundled data loaded through the services, on both engines, dates moved to now."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from sqlalchemy import func, select

from packweb_tui.cli import cli
from packweb_tui.domain.dates import PARIS
from packweb_tui.domain.hosts import HostMode
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.payments import PaymentMethod
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.domain.states import AvisState
from packweb_tui.resources import demo_dir
from packweb_tui.services.demo import (
    DEMO_PASSWORD,
    days_to_now,
    demo_db_url,
    empty_store,
    prepare_demo,
)
from packweb_tui.services.establishments import add_establishment, list_establishments
from packweb_tui.services.payments import list_payments
from packweb_tui.services.requests import list_requests
from packweb_tui.services.settings import read_settings
from packweb_tui.store import schema
from packweb_tui.store.database import Database
from packweb_tui.store.models import (
    AccountHost,
    AuditEntry,
    Base,
    Host,
    PortalAccount,
    Receivable,
    UsedLogin,
)
from packweb_tui.store.revision import HEAD_REVISION

pytestmark = pytest.mark.slow


def data_rows(name: str) -> int:
    """Rows of a bundled file, so that the checks follow the data when it is regenerated."""
    path = demo_dir() / name
    if name.endswith(".json"):
        return len(json.loads(path.read_bytes()))
    return len(path.read_text(encoding="utf-8").splitlines()) - 1


async def count(db: Database, model: type[Base]) -> int:
    async with db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_demo_holds_every_case_the_console_shows(db: Database) -> None:
    before = datetime.now(UTC)
    assert await prepare_demo(db, "demo", reset=False) is True

    establishments = await list_establishments(db)
    assert len(establishments) == data_rows("establishments.csv") == 2
    # Their letters give a phone and an email to ask (numbers kept for fiction by ARCEP).
    assert [e.phone for e in establishments] == ["04 65 71 17 33", "01 99 00 10 20"]
    lycee = await read_settings(db, "0750655E")
    assert lycee.values.school_email == "intendance.0750655e@ac-paris.fr"
    assert sum(e.hosts for e in establishments) == data_rows("hosts.csv") >= 1400
    assert await count(db, PortalAccount) == await count(db, UsedLogin) == 30
    assert await count(db, AccountHost) > 30  # some parents reach several children

    pending = await list_requests(db, status=RequestStatus.PENDING)
    assert len(pending) == data_rows("requests.json") >= 140
    kinds = {r.match_kind for r in pending}
    assert kinds == set(MatchKind)
    # The queue ends an hour ago and keeps its spread: some past the 48-hour promise.
    newest = max(r.submitted_at for r in pending)
    assert before - timedelta(hours=1, minutes=1) <= newest <= datetime.now(UTC)
    assert any(r.submitted_at < before - timedelta(hours=48) for r in pending)
    assert sum(r.submitted_at > before - timedelta(hours=48) for r in pending) > len(pending) / 2
    exact = [r for r in pending if r.match_kind is MatchKind.EXACT]
    assert all(r.host_card is not None and len(r.cards) == 1 for r in exact)
    assert all(
        r.host_card is None
        for r in pending
        if r.match_kind in (MatchKind.MISMATCH, MatchKind.AMBIGUOUS, MatchKind.PROBABLE)
    )

    payments = await list_payments(db)
    assert len(payments) == data_rows("payments.csv")
    assert {p.method for p in payments} == set(PaymentMethod)
    assert all(p.source == "demo" and p.last_name is not None for p in payments)
    assert max(p.paid_at for p in payments) <= datetime.now(UTC) - timedelta(hours=1)
    assert max(p.paid_at for p in payments) >= before - timedelta(days=1, hours=1)
    assert min(p.paid_at for p in payments) >= before - timedelta(days=40)

    async with db.reading() as session:
        receivables = (
            await session.execute(select(Receivable.host_id, Receivable.avis_state))
        ).all()
        forfait = set(
            (await session.scalars(select(Host.id).where(Host.mode == HostMode.FORFAIT))).all()
        )
        hashes = set((await session.scalars(select(PortalAccount.password_hash))).all())
    assert len(receivables) == data_rows("receivables.csv")
    owing = {host_id for host_id, _ in receivables}
    assert owing <= forfait and forfait - owing  # forfait hosts with and without a créance
    assert {avis for _, avis in receivables} == set(AvisState)
    # One argon2id hash of the demo password, with OWASP's parameters, for every account.
    [password_hash] = hashes
    assert password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PasswordHasher().verify(password_hash, DEMO_PASSWORD)


async def test_second_call_keeps_the_store_and_reset_reloads(db: Database) -> None:
    assert await prepare_demo(db, "demo", reset=False) is True
    hosts = await count(db, Host)
    assert await prepare_demo(db, "demo", reset=False) is False
    assert await count(db, Host) == hosts

    # Whatever the operator changed is gone after a reset; the demo is whole again.
    await add_establishment(db, "0010001W", "Collège ajouté", "alice")
    assert await prepare_demo(db, "demo", reset=True) is True
    assert [e.name for e in await list_establishments(db)] == [
        "Collège Jean-Moulin",
        "Lycée Victor-Hugo",
    ]
    assert await count(db, Host) == hosts
    assert len({r.match_kind for r in await list_requests(db)}) == len(MatchKind)

    await empty_store(db)
    for table in Base.metadata.sorted_tables:
        async with db.reading() as session:
            assert await session.scalar(select(func.count()).select_from(table)) == 0, table
    assert await schema.current_revision(db.engine) == HEAD_REVISION
    assert await count(db, AuditEntry) == 0


def test_whole_days_keep_the_hour_across_daylight_time() -> None:
    newest = datetime(2026, 10, 16, 17, 30, tzinfo=PARIS)  # summer time
    now = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)  # 19:00 in Paris, winter time
    days = days_to_now([newest], now)
    assert days == 41
    assert (newest + timedelta(days=days)).strftime("%d/%m %H:%M") == "26/11 17:30"
    assert days_to_now([newest], datetime(2026, 11, 26, 16, 0, tzinfo=UTC)) == 40


def test_demo_db_url(tmp_path: Path) -> None:
    assert demo_db_url(tmp_path) == f"sqlite+aiosqlite:///{tmp_path}/demo.db"


def test_cli_demo_load_only(tmp_path: Path) -> None:
    url = demo_db_url(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", url, "demo", "--reset", "--load-only"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Données de démonstration chargées : {url}\n"
    result = runner.invoke(cli, ["--db", url, "demo", "--load-only"])
    assert result.exit_code == 0 and result.stdout.startswith("Démo prête : ")
    result = runner.invoke(cli, ["--db", url, "requests", "list", "--status", "pending"])
    assert result.stdout.rstrip().endswith(f"{data_rows('requests.json')} demandes.")


def test_the_demo_console_names_the_demo_portal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`packweb demo`: its letters give the demo portal's address (the establishment's page
    under it), unless the configuration names a portal."""
    from packweb_tui.config import DEMO_PORTAL_URL
    from packweb_tui.domain.letters import portal_home

    opened: list[dict[str, Any]] = []

    class Console:  # the console, not run: what it is given is what matters here
        return_code = 0

        def __init__(self, **given: Any) -> None:
            opened.append(given)

        def run(self) -> None:
            pass

    monkeypatch.setattr("packweb_tui.tui.app.PackWebApp", Console)
    url = demo_db_url(tmp_path)
    assert CliRunner().invoke(cli, ["--db", url, "demo"]).exit_code == 0
    config = opened[-1]["config"]
    assert opened[-1]["demo"] is True and config.portal.url == DEMO_PORTAL_URL
    assert portal_home(config.portal.url, "0750655E") == "http://127.0.0.1:8080/0750655E/"
    toml = tmp_path / "packweb.toml"
    toml.write_text('[portal]\nurl = "https://portail.exemple.fr"\n', encoding="utf-8")
    args = ["--config", str(toml), "--db", url, "demo"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert opened[-1]["config"].portal.url == "https://portail.exemple.fr"


async def test_reset_refuses_a_real_store(db: Database) -> None:
    from packweb_tui.domain.errors import InputError
    from packweb_tui.services.establishments import add_establishment, list_establishments

    await add_establishment(db, "0010001W", "Un vrai collège", "alice")
    with pytest.raises(InputError, match="reset refusé"):
        await prepare_demo(db, "alice", reset=True)
    assert [v.uai for v in await list_establishments(db)] == ["0010001W"]
