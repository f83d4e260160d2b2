"""The Demandes pane's reads (services/queue.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from packweb_tui.domain.matching import MatchKind
from packweb_tui.services.errors import OperationalError, UnknownEstablishment
from packweb_tui.services.queue import pending_queue, request_detail, search_hosts
from packweb_tui.store.database import Database
from packweb_tui.store.models import AccountRequest, Host
from tests.tui.support import COLLEGE, LYCEE, fill

NOW = datetime(2026, 9, 5, 8, 0, tzinfo=UTC)


async def test_the_queue_lists_pending_requests_oldest_first(db: Database) -> None:
    await fill(db, NOW)
    queue = await pending_queue(db, LYCEE[0].lower())
    assert queue.uai == LYCEE[0]
    assert [r.last_name for r in queue.rows] == ["DUPONT", "Martin", "Inconnu", "Leroy"]
    dupont, martin, unknown, leroy = queue.rows
    assert dupont.match_kind == MatchKind.EXACT
    assert dupont.host_card == "1234500001" and dupont.host_name == "DUPONT Marie-Hélène"
    assert dupont.candidates == ("1234500001",) and dupont.approvable
    assert martin.match_kind == MatchKind.PROBABLE and martin.host_id is None
    assert martin.candidates == ("1234500002",) and not martin.approvable
    assert unknown.match_kind == MatchKind.NONE and unknown.candidates == ()
    assert "99999" in unknown.explanation
    assert leroy.email == "p4@example.fr"
    assert [r.last_name for r in (await pending_queue(db, COLLEGE[0])).rows] == ["Adam"]


async def test_decided_requests_leave_the_queue(db: Database) -> None:
    await fill(db, NOW)
    queue = await pending_queue(db, LYCEE[0])
    async with db.writing() as session:
        await session.execute(
            update(AccountRequest)
            .where(AccountRequest.id == queue.rows[0].id)
            .values(status="rejected")
        )
    assert len((await pending_queue(db, LYCEE[0])).rows) == 3


async def test_unknown_establishment(db: Database) -> None:
    with pytest.raises(UnknownEstablishment):
        await pending_queue(db, "0750655E")


async def test_detail_compares_each_candidate_with_the_request(db: Database) -> None:
    await fill(db, NOW)
    rows = (await pending_queue(db, LYCEE[0])).rows
    detail = await request_detail(db, rows[1].id)  # Martin Lukas, host Martin Lucas
    assert detail.uai == LYCEE[0] and detail.match_kind == MatchKind.PROBABLE
    (host,) = detail.hosts
    assert host.card == "1234500002" and host.class_name == "1re 2"
    assert host.card_matches and host.same_last_name and not host.same_first_name
    assert not host.attached and detail.attached is None and not detail.approvable

    exact = await request_detail(db, rows[0].id)  # "Marie Helene" folds as "Marie-Hélène"
    assert exact.attached is not None and exact.attached.same_first_name
    assert exact.approvable

    # A host attached by hand that is not a candidate is shown after the candidates.
    async with db.writing() as session:
        petit = await session.scalar(
            Host.__table__.select().with_only_columns(Host.id).where(Host.card == "7700022222")
        )
        await session.execute(
            update(AccountRequest)
            .where(AccountRequest.id == rows[1].id)
            .values(host_id=petit, attached_by="agent")
        )
    detail = await request_detail(db, rows[1].id)
    assert [h.card for h in detail.hosts] == ["1234500002", "7700022222"]
    assert detail.attached is not None and detail.attached.card == "7700022222"
    assert not detail.attached.card_matches and not detail.attached.same_last_name
    assert detail.approvable  # confirmed by hand
    row = next(r for r in (await pending_queue(db, LYCEE[0])).rows if r.id == rows[1].id)
    assert row.approvable and row.attached_by == "agent" and row.host_name == "PETIT Julie"

    with pytest.raises(OperationalError):
        await request_detail(db, 999_999)


async def test_search_hosts_by_name_or_card(db: Database) -> None:
    await fill(db, NOW)
    assert [h.card for h in await search_hosts(db, LYCEE[0], "marie helene")] == ["1234500001"]
    assert [h.card for h in await search_hosts(db, LYCEE[0], "DUPONT Marie-Hélène")] == [
        "1234500001"
    ]
    assert [h.card for h in await search_hosts(db, LYCEE[0], "2222")] == ["7700022222"]
    assert len(await search_hosts(db, LYCEE[0], "12345")) == 3
    assert await search_hosts(db, LYCEE[0], "   ") == []
    assert await search_hosts(db, LYCEE[0], "100%") == []
    # Only the establishment's own hosts.
    assert await search_hosts(db, LYCEE[0], "adam") == []
    assert len(await search_hosts(db, COLLEGE[0], "adam", limit=1)) == 1
