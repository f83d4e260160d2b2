"""The schools this server serves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.names import clean_text
from packweb_tui.domain.phones import normalize_phone
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.domain.uai import normalize_uai
from packweb_tui.services import audit
from packweb_tui.services.errors import UnknownEstablishment
from packweb_tui.store.database import Database
from packweb_tui.store.models import AccountRequest, Establishment, Host, PortalSettings


@dataclass(frozen=True, slots=True)
class EstablishmentView:
    id: int
    uai: str
    name: str
    hosts: int = 0
    pending_requests: int = 0
    address: tuple[str, ...] = ()  # its lines, as on the letters
    phone: str | None = None  # as on the letters

    def to_json(self) -> dict[str, object]:
        return {
            "uai": self.uai,
            "name": self.name,
            "address": list(self.address),
            "phone": self.phone,
            "hosts": self.hosts,
            "pending_requests": self.pending_requests,
        }


def address_lines(address: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (address or "").splitlines() if line.strip())


MAX_ADDRESS_LINES = 6
MAX_ADDRESS_LINE = 80


def address_text(lines: Sequence[str]) -> str | None:
    """The postal address as stored (a line each, for the letters' header); InputError for
    one no letter could hold."""
    cleaned = [clean_text(line) for line in lines]
    cleaned = [line for line in cleaned if line]
    if len(cleaned) > MAX_ADDRESS_LINES:
        raise InputError(f"adresse trop longue : {MAX_ADDRESS_LINES} lignes au plus")
    for line in cleaned:
        if len(line) > MAX_ADDRESS_LINE:
            raise InputError(
                f"ligne d'adresse trop longue ({len(line)} caractères, "
                f"{MAX_ADDRESS_LINE} au plus) : {line[:30]}…"
            )
    return "\n".join(cleaned) or None


async def add_establishment(
    db: Database,
    uai: str,
    name: str,
    operator: str,
    address: Sequence[str] = (),
    phone: str = "",
) -> EstablishmentView:
    """Register a school (with default portal settings), its postal address (lines) and
    telephone; InputError if the UAI is invalid or already registered."""
    code = normalize_uai(uai)
    label = clean_text(name)
    if not label:
        raise InputError("nom de l'établissement vide")
    postal = address_text(address)
    number = normalize_phone(phone)
    async with db.writing() as session:
        if await session.scalar(select(Establishment.id).where(Establishment.uai == code)):
            raise InputError(f"établissement {code} déjà enregistré")
        establishment = Establishment(uai=code, name=label[:200], address=postal, phone=number)
        session.add(establishment)
        await session.flush()
        session.add(PortalSettings(establishment_id=establishment.id))
        audit.record(
            session,
            operator,
            "establishment.add",
            "establishment",
            [establishment.id],
            establishment.id,
            uai=code,
            name=label,
        )
    return EstablishmentView(
        establishment.id, code, establishment.name, address=address_lines(postal), phone=number
    )


async def change_establishment(
    db: Database,
    uai: str,
    operator: str,
    name: str | None = None,
    address: Sequence[str] | None = None,
    phone: str | None = None,
) -> EstablishmentView:
    """A new name, postal address or telephone (as printed on the letters from now on);
    None leaves it as it is, an empty address or phone removes it."""
    label = None if name is None else clean_text(name)
    if label is not None and not label:
        raise InputError("nom de l'établissement vide")
    postal = None if address is None else address_text(address)
    number = None if phone is None else normalize_phone(phone)
    if label is None and address is None and phone is None:
        raise InputError("rien à changer : indiquez --name, --address ou --phone")
    async with db.writing() as session:
        establishment = await require_establishment(session, uai)
        before = _identity(establishment)
        if label is not None:
            establishment.name = label[:200]
        if address is not None:
            establishment.address = postal
        if phone is not None:
            establishment.phone = number
        audit.record(
            session, operator, "establishment.change", "establishment", [establishment.id],
            establishment.id, before=before, after=_identity(establishment),
        )  # fmt: skip
        return EstablishmentView(
            establishment.id, establishment.uai, establishment.name,
            address=address_lines(establishment.address), phone=establishment.phone,
        )  # fmt: skip


def _identity(establishment: Establishment) -> dict[str, str | None]:
    return {
        "name": establishment.name,
        "address": establishment.address,
        "phone": establishment.phone,
    }


async def list_establishments(db: Database) -> list[EstablishmentView]:
    """Every establishment by UAI, with its count of hosts and of pending requests."""
    hosts = (
        select(Host.establishment_id, func.count().label("n"))
        .group_by(Host.establishment_id)
        .subquery()
    )
    pending = (
        select(AccountRequest.establishment_id, func.count().label("n"))
        .where(AccountRequest.status == RequestStatus.PENDING)
        .group_by(AccountRequest.establishment_id)
        .subquery()
    )
    query = (
        select(Establishment, func.coalesce(hosts.c.n, 0), func.coalesce(pending.c.n, 0))
        .outerjoin(hosts, hosts.c.establishment_id == Establishment.id)
        .outerjoin(pending, pending.c.establishment_id == Establishment.id)
        .order_by(Establishment.uai)
    )
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    return [
        EstablishmentView(e.id, e.uai, e.name, int(h), int(p), address_lines(e.address), e.phone)
        for e, h, p in rows
    ]


async def establishment_ids(session: AsyncSession, uais: set[str]) -> dict[str, int]:
    """UAI → id for the given codes (unknown ones are simply absent)."""
    if not uais:
        return {}
    rows = await session.execute(
        select(Establishment.uai, Establishment.id).where(Establishment.uai.in_(uais))
    )
    return {uai: id_ for uai, id_ in rows}


async def known_establishments(
    session: AsyncSession, uais: set[str], source: str
) -> dict[str, int]:
    """UAI → id for every code of a file; InputErrors naming each unknown one (and how to
    add it) refuses the whole file."""
    ids = await establishment_ids(session, uais)
    if unknown := sorted(uais - set(ids)):
        raise InputErrors([UnknownEstablishment(uai, source) for uai in unknown])
    return ids


async def require_establishment(session: AsyncSession, uai: str) -> Establishment:
    code = normalize_uai(uai)
    establishment = await session.scalar(select(Establishment).where(Establishment.uai == code))
    if establishment is None:
        raise UnknownEstablishment(code)
    return establishment
