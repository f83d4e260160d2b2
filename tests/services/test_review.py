"""The review's decisions, on SQLite and PostgreSQL: approving one request with the host the
operator picked (attached by their hand, then the bulk approval's checks), and rejecting
those whose kind says why, each with its kind's reason, the kinds read at that moment."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from packweb_tui.domain.decisions import SkipReason
from packweb_tui.domain.errors import InputError
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.services.decisions.approve import approve_requests
from packweb_tui.services.decisions.reject import reject_requests
from packweb_tui.services.decisions.review import (
    approve_with_host,
    reject_by_kind,
    settled_rejections,
)
from packweb_tui.store.database import Database
from packweb_tui.store.models import OutboxMessage
from tests.services.test_approval import OTHER, UAI, host_id, reasons, request_row, setup


async def test_the_host_shown_is_attached_by_hand_then_approved(db: Database) -> None:
    ids = await setup(db)
    host = await host_id(db, "100003")  # Martin Léo, for the request typed "Martn"
    report = await approve_with_host(db, ids["probable-3"], host, "bob", uai=UAI)
    assert [c.request_id for c in report.created] == [ids["probable-3"]] and not report.skipped
    row = await request_row(db, ids["probable-3"])
    assert row.status is RequestStatus.APPROVED and row.host_id == host
    assert row.attached_by == "bob" and row.decided_by == "bob"


async def test_an_exact_match_is_approved_as_it_is(db: Database) -> None:
    ids = await setup(db)
    host = await host_id(db, "100001")
    report = await approve_with_host(db, ids["exact-1"], host, "bob", uai=UAI)
    assert len(report.created) == 1
    row = await request_row(db, ids["exact-1"])
    assert row.status is RequestStatus.APPROVED and row.attached_by is None  # matched alone


async def test_a_host_with_an_account_is_not_even_attached(db: Database) -> None:
    ids = await setup(db)
    await approve_requests(db, [ids["exact-2"]], "bob")
    host = await host_id(db, "100002")
    report = await approve_with_host(db, ids["duplicate-7"], host, "bob", uai=UAI)
    assert not report.created
    assert reasons(report.skipped) == {ids["duplicate-7"]: SkipReason.HAS_ACCOUNT}
    row = await request_row(db, ids["duplicate-7"])
    assert row.status is RequestStatus.PENDING and row.attached_by is None


async def test_a_decided_request_or_another_schools_host_is_refused(db: Database) -> None:
    ids = await setup(db)
    await reject_requests(db, [ids["none-6"]], "Carte inconnue", "bob")
    host = await host_id(db, "100003")
    with pytest.raises(InputError, match="déjà refusée"):
        await approve_with_host(db, ids["none-6"], host, "bob", uai=UAI)
    elsewhere = await host_id(db, "200001")
    with pytest.raises(InputError, match="n'est pas de l'établissement"):
        await approve_with_host(db, ids["probable-3"], elsewhere, "bob", uai=UAI)
    assert (await request_row(db, ids["probable-3"])).status is RequestStatus.PENDING


async def test_the_rest_is_rejected_each_with_the_reason_of_its_kind(db: Database) -> None:
    ids = await setup(db)
    groups = await settled_rejections(db, ids.values(), UAI)
    assert [(g.kind, g.request_ids) for g in groups] == [
        (MatchKind.MISMATCH, (ids["mismatch-5"],)),
        (MatchKind.NONE, (ids["none-6"],)),
        (MatchKind.DUPLICATE, (ids["duplicate-7"],)),
    ]
    # Read at that moment: once its older twin is approved, the duplicate's host has an
    # account, and that is why it is rejected.
    await approve_requests(db, [ids["exact-2"]], "bob")
    groups = await settled_rejections(db, ids.values(), UAI)
    assert [(g.kind, g.request_ids) for g in groups][-1] == (
        MatchKind.HAS_ACCOUNT,
        (ids["duplicate-7"],),
    )
    report = await reject_by_kind(db, groups, "bob", uai=UAI)
    assert report.rejected == sorted([ids["mismatch-5"], ids["none-6"], ids["duplicate-7"]])
    async with db.reading() as session:
        bodies = dict(
            (
                await session.execute(
                    select(OutboxMessage.request_id, OutboxMessage.body).where(
                        OutboxMessage.kind == "rejection"
                    )
                )
            ).all()
        )
    assert "Carte inconnue de l'établissement" in bodies[ids["none-6"]]
    assert "Un compte existe déjà" in bodies[ids["duplicate-7"]]
    assert "ne correspondant pas au titulaire" in bodies[ids["mismatch-5"]]
    # A probable request waits for a person; none is left to reject together now.
    assert (await request_row(db, ids["probable-3"])).status is RequestStatus.PENDING
    assert await settled_rejections(db, ids.values(), UAI) == []
    with pytest.raises(InputError, match="d'un autre établissement"):
        await settled_rejections(db, ids.values(), OTHER)
