"""The portal settings of an establishment and its dated closures: read, saved, audited.

The console's Configuration pane and the `packweb settings` / `packweb closures` commands go
through these functions alone, with the rules of domain/settings.py and domain/closures.py.
Every saved change is in the audit log (old → new) and marks the settings for the next
synchronisation: `pushed_at` goes back to None, so the sync sends them again (closures
included)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from packweb_tui.domain.closures import ClosurePeriod, PortalToday, check_closure, portal_today
from packweb_tui.domain.dates import PARIS, format_day
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.settings import (
    ATTRIBUTES,
    FIELD_BY_KEY,
    SETTING_KEYS,
    PortalSettingsValues,
    SettingValue,
    format_setting,
    parse_assignments,
    value_problems,
)
from packweb_tui.services import audit
from packweb_tui.services.establishments import require_establishment
from packweb_tui.store.database import Database
from packweb_tui.store.models import Closure, Establishment, PortalSettings
from packweb_tui.store.types import utcnow


@dataclass(frozen=True, slots=True)
class ClosureView:
    id: int
    period: ClosurePeriod
    created_by: str
    created_at: datetime

    def to_json(self) -> dict[str, object]:
        p = self.period
        return {
            "id": self.id,
            "from": p.starts_on.isoformat(),
            "to": p.ends_on.isoformat(),
            "label": p.label,
            "block_payment": p.block_payment,
            "block_reservation": p.block_reservation,
        }


@dataclass(frozen=True, slots=True)
class SettingsView:
    """An establishment's settings as stored (the defaults when never saved) and its dated
    closures by date."""

    uai: str
    name: str
    values: PortalSettingsValues
    saved: bool  # False: never saved, the guide's defaults apply
    updated_at: datetime | None
    updated_by: str | None
    pushed_at: datetime | None  # when a synchronisation last sent them to the portal
    closures: tuple[ClosureView, ...]

    @property
    def to_push(self) -> bool:
        """Changed since the portal last received them: the next sync sends them."""
        if self.pushed_at is None:
            return True
        return self.updated_at is not None and self.updated_at > self.pushed_at

    @property
    def periods(self) -> list[ClosurePeriod]:
        return [c.period for c in self.closures]

    def portal(self, today: date) -> PortalToday:
        """What the portal shows on `today`."""
        return portal_today(self.values, self.periods, today)

    def to_json(self, today: date) -> dict[str, object]:
        """Every key (docs/domain.md, portal settings), then the closures and what the portal
        shows today."""
        shown = self.portal(today)
        return {
            "uai": self.uai,
            **self.values.to_json(),
            "closures": [c.to_json() for c in self.closures],
            "portal_today": {
                "payment_open": shown.payment is None,
                "reservation_open": shown.reservation is None,
                "lines": shown.lines(),
            },
            "updated_at": self.updated_at.isoformat() if self.saved and self.updated_at else None,
            "updated_by": self.updated_by,
            "pushed_at": self.pushed_at.isoformat() if self.pushed_at else None,
            "to_push": self.to_push,
        }


def paris_day(moment: datetime | None) -> date:
    """The day in Paris at `moment` (now when None)."""
    return (moment or utcnow()).astimezone(PARIS).date()


def _values_of(row: PortalSettings | None) -> PortalSettingsValues:
    if row is None:
        return PortalSettingsValues()
    return PortalSettingsValues(**{name: getattr(row, name) for name in ATTRIBUTES})


def _period_of(row: Closure) -> ClosurePeriod:
    return ClosurePeriod(
        row.starts_on, row.ends_on, row.label, row.block_payment, row.block_reservation
    )


def _closure_view(row: Closure) -> ClosureView:
    return ClosureView(row.id, _period_of(row), row.created_by, row.created_at)


async def _closures(session: AsyncSession, establishment_id: int) -> list[Closure]:
    return list(
        (
            await session.scalars(
                select(Closure)
                .where(Closure.establishment_id == establishment_id)
                .order_by(Closure.starts_on, Closure.ends_on, Closure.id)
            )
        ).all()
    )


async def read_settings(db: Database, uai: str) -> SettingsView:
    """The settings of establishment `uai` and its closures by date; InputError (unknown
    establishment) when it is not registered."""
    async with db.reading() as session:
        establishment = await require_establishment(session, uai)
        row = await session.get(PortalSettings, establishment.id)
        closures = await _closures(session, establishment.id)
    return SettingsView(
        establishment.uai,
        establishment.name,
        _values_of(row),
        row is not None,
        row.updated_at if row else None,
        row.updated_by if row else None,
        row.pushed_at if row else None,
        tuple(_closure_view(c) for c in closures),
    )


async def _settings_row(
    session: AsyncSession, establishment: Establishment, moment: datetime
) -> PortalSettings:
    """The establishment's settings row, locked until the end of the transaction (created
    with the defaults when missing): writers of one establishment's settings and closures
    take turns, so that two overlapping closures cannot both be checked and saved."""
    row = await session.scalar(
        select(PortalSettings)
        .where(PortalSettings.establishment_id == establishment.id)
        .with_for_update()
    )
    if row is None:
        row = PortalSettings(establishment_id=establishment.id, updated_at=moment)
        session.add(row)
        await session.flush()
    return row


def _mark_for_sync(row: PortalSettings, operator: str, moment: datetime) -> None:
    row.updated_at = moment
    row.updated_by = operator
    row.pushed_at = None  # the next synchronisation sends the settings and closures again


# --- settings ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Change:
    key: str
    old: str  # as `settings show` writes it
    new: str

    @property
    def label(self) -> str:
        return FIELD_BY_KEY[self.key].label


@dataclass(frozen=True, slots=True)
class SaveReport:
    changes: tuple[Change, ...]  # empty: nothing to save, nothing written
    view: SettingsView  # what is stored now

    def summary(self) -> str:
        if not self.changes:
            return "Aucun changement."
        if len(self.changes) == 1:
            return "1 réglage enregistré ; le portail le recevra à la prochaine synchronisation."
        return (
            f"{len(self.changes)} réglages enregistrés ; le portail les recevra à la prochaine "
            "synchronisation."
        )


class SettingsConflict(InputError):
    """Someone else saved the same fields since the form was read."""


async def save_settings(
    db: Database,
    uai: str,
    values: PortalSettingsValues,
    operator: str,
    base: PortalSettingsValues | None = None,
    now: datetime | None = None,
) -> SaveReport:
    """Save the settings of `uai`: the fields where `values` differs from `base` (what the
    form was read with; None: from what is stored). Each changed field is checked first;
    InputErrors if one is wrong, SettingsConflict if another operator changed the same field
    meanwhile: nothing is then written. The change is audited (old → new) and marks the
    settings for the next synchronisation."""
    moment = now or utcnow()
    async with db.writing() as session:
        establishment = await require_establishment(session, uai)
        row = await _settings_row(session, establishment, moment)
        stored = _values_of(row)
        reference = base if base is not None else stored
        wanted = {k: values.get(k) for k in SETTING_KEYS if values.get(k) != reference.get(k)}
        if problems := value_problems(values, wanted):
            raise InputErrors([InputError(m, k) for k, m in problems.items()])
        clashes = [
            k for k, v in wanted.items() if stored.get(k) != reference.get(k) and stored.get(k) != v
        ]
        if clashes:
            who = row.updated_by or "un autre opérateur"
            names = ", ".join(FIELD_BY_KEY[k].label for k in clashes)
            raise SettingsConflict(
                f"modifié entre-temps par {who} : {names} ; relisez les réglages avant "
                "d'enregistrer"
            )
        changes = tuple(
            Change(k, format_setting(k, stored.get(k)), format_setting(k, v))
            for k, v in wanted.items()
            if stored.get(k) != v
        )
        if changes:
            for change in changes:
                setattr(row, FIELD_BY_KEY[change.key].name, wanted[change.key])
            _mark_for_sync(row, operator, moment)
            audit.record(
                session,
                operator,
                "settings.update",
                "portal_settings",
                [establishment.id],
                establishment.id,
                uai=establishment.uai,
                changes={c.key: {"old": c.old, "new": c.new} for c in changes},
            )
    return SaveReport(changes, await read_settings(db, uai))


async def set_settings(
    db: Database,
    uai: str,
    assignments: Sequence[str] | Mapping[str, SettingValue],
    operator: str,
    now: datetime | None = None,
) -> SaveReport:
    """`packweb settings set`: ``KEY=VALUE`` texts (or values by key), read as the console
    reads its fields, then saved like the console saves; a single wrong value and nothing is
    written."""
    if isinstance(assignments, Mapping):
        wanted = dict(assignments)
    else:
        wanted = parse_assignments(assignments)
    async with db.reading() as session:
        await require_establishment(session, uai)  # an unknown UAI first: the clearer error
    current = (await read_settings(db, uai)).values
    return await save_settings(db, uai, current.with_values(wanted), operator, current, now)


# --- closures ----------------------------------------------------------------------------------
async def list_closures(db: Database, uai: str) -> list[ClosureView]:
    """The dated closures of `uai`, by date."""
    return list((await read_settings(db, uai)).closures)


def _period_details(period: ClosurePeriod) -> dict[str, Any]:
    return {
        "from": format_day(period.starts_on),
        "to": format_day(period.ends_on),
        "label": period.label,
        "block_payment": period.block_payment,
        "block_reservation": period.block_reservation,
    }


async def add_closure(
    db: Database, uai: str, period: ClosurePeriod, operator: str, now: datetime | None = None
) -> ClosureView:
    """Add a dated closure; InputError when its end is before its start, when it is already
    over, when it blocks nothing or when it overlaps another one (named)."""
    moment = now or utcnow()
    async with db.writing() as session:
        establishment = await require_establishment(session, uai)
        row = await _settings_row(session, establishment, moment)
        others = [_period_of(c) for c in await _closures(session, establishment.id)]
        check_closure(period, others, paris_day(moment))
        closure = Closure(
            establishment_id=establishment.id,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            label=period.label,
            block_payment=period.block_payment,
            block_reservation=period.block_reservation,
            created_by=operator,
            created_at=moment,
        )
        session.add(closure)
        await session.flush()
        _mark_for_sync(row, operator, moment)
        audit.record(
            session,
            operator,
            "closure.add",
            "closure",
            [closure.id],
            establishment.id,
            uai=establishment.uai,
            new=_period_details(period),
        )
        return _closure_view(closure)


async def _closure_of(
    session: AsyncSession, establishment: Establishment, closure_id: int
) -> Closure:
    closure = await session.get(Closure, closure_id)
    if closure is None or closure.establishment_id != establishment.id:
        raise InputError(f"fermeture n° {closure_id} inconnue pour {establishment.uai}")
    return closure


async def update_closure(
    db: Database,
    uai: str,
    closure_id: int,
    period: ClosurePeriod,
    operator: str,
    now: datetime | None = None,
) -> ClosureView:
    """Change a dated closure, under the rules of `add_closure`; a period already over no
    longer changes."""
    moment = now or utcnow()
    async with db.writing() as session:
        establishment = await require_establishment(session, uai)
        row = await _settings_row(session, establishment, moment)
        closure = await _closure_of(session, establishment, closure_id)
        previous = _period_of(closure)
        others = [
            _period_of(c) for c in await _closures(session, establishment.id) if c.id != closure.id
        ]
        check_closure(period, others, paris_day(moment), previous)
        if period == previous:
            return _closure_view(closure)
        closure.starts_on, closure.ends_on = period.starts_on, period.ends_on
        closure.label = period.label
        closure.block_payment = period.block_payment
        closure.block_reservation = period.block_reservation
        _mark_for_sync(row, operator, moment)
        audit.record(
            session,
            operator,
            "closure.update",
            "closure",
            [closure.id],
            establishment.id,
            uai=establishment.uai,
            old=_period_details(previous),
            new=_period_details(period),
        )
        return _closure_view(closure)


async def remove_closure(
    db: Database, uai: str, closure_id: int, operator: str, now: datetime | None = None
) -> ClosureView:
    """Delete a dated closure; what it was is kept in the audit log."""
    moment = now or utcnow()
    async with db.writing() as session:
        establishment = await require_establishment(session, uai)
        row = await _settings_row(session, establishment, moment)
        closure = await _closure_of(session, establishment, closure_id)
        view = _closure_view(closure)
        await session.delete(closure)
        _mark_for_sync(row, operator, moment)
        audit.record(
            session,
            operator,
            "closure.remove",
            "closure",
            [closure_id],
            establishment.id,
            uai=establishment.uai,
            old=_period_details(view.period),
        )
        return view
