"""The settings and closures service (services/settings.py) on both engines: what is saved,
what is refused (nothing written), the audit of every change (old → new), and the mark for
the next synchronisation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from packweb_tui.domain.closures import ClosurePeriod
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.settings import DEFAULTS
from packweb_tui.services.errors import UnknownEstablishment
from packweb_tui.services.establishments import add_establishment
from packweb_tui.services.settings import (
    SettingsConflict,
    add_closure,
    list_closures,
    read_settings,
    remove_closure,
    save_settings,
    set_settings,
    update_closure,
)
from packweb_tui.store.database import Database
from packweb_tui.store.models import AuditEntry, Establishment, PortalSettings

UAI, OTHER = "0750655E", "0692185A"
NOW = datetime(2026, 9, 5, 10, 0, tzinfo=UTC)  # 12:00 in Paris
NOEL = ClosurePeriod(date(2026, 12, 19), date(2027, 1, 4), "Noël")


async def setup(db: Database) -> None:
    await add_establishment(db, UAI, "Lycée Victor-Hugo", "installateur")
    await add_establishment(db, OTHER, "Collège Jean-Moulin", "installateur")


async def audit(db: Database) -> list[AuditEntry]:
    async with db.reading() as session:
        rows = await session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.action.in_(
                    ["settings.update", "closure.add", "closure.update", "closure.remove"]
                )
            )
            .order_by(AuditEntry.id)
        )
        return list(rows)


async def mark_pushed(db: Database, when: datetime) -> None:
    """What the synchronisation does once the portal has the settings."""
    async with db.writing() as session:
        await session.execute(update(PortalSettings).values(pushed_at=when))


async def test_defaults_then_a_save_audited_and_marked_for_the_sync(db: Database) -> None:
    await setup(db)
    view = await read_settings(db, UAI)
    assert view.values == DEFAULTS and view.saved and view.updated_by is None
    assert view.to_push and view.closures == ()
    await mark_pushed(db, datetime.now(UTC))
    assert not (await read_settings(db, UAI)).to_push

    wanted = view.values.with_values(
        {
            "requests_email": "intendance@lycee.fr",
            "min_credit_amount": 250,
            "show_meal_count": False,
        }
    )
    report = await save_settings(db, UAI, wanted, "agent", view.values, NOW)
    assert [(c.key, c.old, c.new) for c in report.changes] == [
        ("requests_email", "", "intendance@lycee.fr"),
        ("show_meal_count", "oui", "non"),
        ("min_credit_amount", "1,00", "2,50"),
    ]
    saved = await read_settings(db, UAI)
    assert saved.values == wanted and report.view == saved
    assert (saved.updated_by, saved.updated_at, saved.pushed_at) == ("agent", NOW, None)
    assert saved.to_push  # the next synchronisation sends them
    assert (await read_settings(db, OTHER)).values == DEFAULTS  # the other school untouched
    (entry,) = await audit(db)
    assert (entry.operator, entry.action, entry.at) == ("agent", "settings.update", entry.at)
    assert entry.details["changes"] == {
        "requests_email": {"old": "", "new": "intendance@lycee.fr"},
        "show_meal_count": {"old": "oui", "new": "non"},
        "min_credit_amount": {"old": "1,00", "new": "2,50"},
    }
    # Saving the same values again writes nothing, audits nothing.
    again = await save_settings(db, UAI, wanted, "agent", wanted, NOW + timedelta(hours=1))
    assert again.changes == () and again.summary() == "Aucun changement."
    assert (await read_settings(db, UAI)).updated_at == NOW
    assert len(await audit(db)) == 1


async def test_a_wrong_value_changes_nothing(db: Database) -> None:
    await setup(db)
    before = await read_settings(db, UAI)
    wrong = before.values.with_values({"min_meals": 0, "school_email": "pas une adresse"})
    with pytest.raises(InputErrors) as errors:
        await save_settings(db, UAI, wrong, "agent", before.values, NOW)
    assert sorted(e.where or "" for e in errors.value.errors) == ["min_meals", "school_email"]
    assert await read_settings(db, UAI) == before
    assert await audit(db) == []
    with pytest.raises(UnknownEstablishment):
        await save_settings(db, "0000001B", DEFAULTS, "agent")


async def test_two_operators_saving_the_same_field(db: Database) -> None:
    await setup(db)
    base = (await read_settings(db, UAI)).values
    await save_settings(db, UAI, base.with_values({"min_meals": 2}), "anne", base, NOW)
    # Bernard's form was read before Anne saved. Another field: merged, Anne's value kept.
    report = await save_settings(
        db, UAI, base.with_values({"reservation_weeks": 4}), "bernard", base
    )
    assert [c.key for c in report.changes] == ["reservation_weeks"]
    assert (report.view.values.min_meals, report.view.values.reservation_weeks) == (2, 4)
    # The same field: refused, nothing written.
    with pytest.raises(SettingsConflict, match="modifié entre-temps par bernard : Nombre de repas"):
        await save_settings(db, UAI, base.with_values({"min_meals": 3}), "claire", base)
    assert (await read_settings(db, UAI)).values.min_meals == 2


async def test_set_settings_reads_text_like_the_console(db: Database) -> None:
    await setup(db)
    report = await set_settings(
        db,
        UAI,
        ["min_credit_amount=1.5", "reservation_lead_days=J+2", "block_online_payment=oui"],
        "agent",
    )
    values = report.view.values
    assert (values.min_credit_amount_cents, values.reservation_lead_days) == (150, 2)
    assert values.block_online_payment is True
    before = await read_settings(db, UAI)
    with pytest.raises(InputErrors):
        await set_settings(db, UAI, ["min_meals=2", "min_credit_amount=1,555", "nope=1"], "agent")
    with pytest.raises(InputError, match="requests_email : obligatoire"):
        await set_settings(db, UAI, ["requests_email="], "agent")
    assert await read_settings(db, UAI) == before
    with pytest.raises(UnknownEstablishment):
        await set_settings(db, "0000001B", ["min_meals=2"], "agent")


async def test_closures_added_changed_removed_audited(db: Database) -> None:
    await setup(db)
    await mark_pushed(db, NOW - timedelta(days=1))
    noel = await add_closure(db, UAI, NOEL, "agent", NOW)
    hiver = ClosurePeriod(date(2027, 2, 6), date(2027, 2, 21), "Hiver", True, False)
    await add_closure(db, UAI, hiver, "agent", NOW)
    toussaint = await add_closure(
        db, UAI, ClosurePeriod(date(2026, 10, 17), date(2026, 11, 2), "Toussaint"), "agent", NOW
    )
    view = await read_settings(db, UAI)
    assert [c.period.label for c in view.closures] == ["Toussaint", "Noël", "Hiver"]  # by date
    assert view.pushed_at is None and view.to_push  # the portal gets them at the next sync
    assert await list_closures(db, OTHER) == []

    longer = ClosurePeriod(date(2026, 10, 17), date(2026, 11, 3), "Toussaint", True, False)
    await update_closure(db, UAI, toussaint.id, longer, "bernard", NOW)
    await remove_closure(db, UAI, noel.id, "claire", NOW)
    assert [c.period for c in await list_closures(db, UAI)] == [longer, hiver]
    entries = await audit(db)
    assert [(e.action, e.operator) for e in entries] == [
        ("closure.add", "agent"),
        ("closure.add", "agent"),
        ("closure.add", "agent"),
        ("closure.update", "bernard"),
        ("closure.remove", "claire"),
    ]
    assert entries[3].details["old"]["to"] == "02/11/2026"
    assert entries[3].details["new"]["to"] == "03/11/2026"
    assert entries[3].details["new"]["block_reservation"] is False
    assert entries[4].details["old"]["label"] == "Noël" and entries[4].row_ids == [noel.id]


async def test_closures_refused_change_nothing(db: Database) -> None:
    await setup(db)
    noel = await add_closure(db, UAI, NOEL, "agent", NOW)
    before = await read_settings(db, UAI)
    refused = [
        (date(2027, 1, 1), date(2027, 1, 10), True, "chevauche la période « Noël » du 19/12/2026"),
        (date(2026, 9, 1), date(2026, 9, 4), True, "période déjà terminée"),
        (date(2026, 10, 2), date(2026, 10, 1), True, "la fin est avant le début"),
        (date(2026, 10, 1), date(2026, 10, 2), False, "au moins un blocage"),
    ]
    for start, end, blocks, message in refused:
        period = ClosurePeriod(start, end, "", blocks, blocks)
        with pytest.raises(InputError, match=message):
            await add_closure(db, UAI, period, "agent", NOW)
    with pytest.raises(InputError, match="fermeture n° 999 inconnue"):
        await remove_closure(db, UAI, 999, "agent", NOW)
    with pytest.raises(InputError, match=f"fermeture n° {noel.id} inconnue pour {OTHER}"):
        await remove_closure(db, OTHER, noel.id, "agent", NOW)
    assert await read_settings(db, UAI) == before
    # A period over no longer changes; one running may be extended.
    later = NOW.replace(year=2027, month=1, day=2)
    extended = ClosurePeriod(NOEL.starts_on, date(2027, 1, 5), "Noël")
    assert (await update_closure(db, UAI, noel.id, extended, "agent", later)).period == extended
    with pytest.raises(InputError, match="période terminée : elle ne se modifie plus"):
        await update_closure(db, UAI, noel.id, NOEL, "agent", later + timedelta(days=10))


async def test_a_missing_settings_row_is_created_on_first_save(db: Database) -> None:
    await setup(db)
    async with db.writing() as session:
        eid = await session.scalar(select(Establishment.id).where(Establishment.uai == UAI))
        await session.delete(await session.get(PortalSettings, eid))
    view = await read_settings(db, UAI)
    assert not view.saved and view.values == DEFAULTS and view.to_push
    await add_closure(db, UAI, NOEL, "agent", NOW)
    assert (await read_settings(db, UAI)).saved
