"""Importing the hosts exported by the canteen system: all rows or none."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam, insert, select, update

from packweb_tui.domain.hostfile import parse_hosts
from packweb_tui.domain.hosts import HostRecord, card_suffix
from packweb_tui.domain.names import fold_name
from packweb_tui.domain.uai import normalize_uai
from packweb_tui.domain.wording import agree, plural
from packweb_tui.services import audit
from packweb_tui.services.establishments import known_establishments
from packweb_tui.services.files import read_input_file
from packweb_tui.services.matching import rematch_pending
from packweb_tui.store.bulk import execute_many
from packweb_tui.store.database import Database
from packweb_tui.store.models import Host, table_of
from packweb_tui.store.types import utcnow

_HOSTS = table_of(Host)
_FIELDS = ("last_name", "first_name", "kind", "mode", "class_name", "email")


@dataclass
class HostImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_uai: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def summary(self) -> str:
        created = (
            agree(self.created, "serait créé", "seraient créés")
            if self.dry_run
            else agree(self.created, "a été créé", "ont été créés")
        )
        return (
            f"{plural(self.rows, 'hôte lu', 'hôtes lus')} : {self.created} {created}, "
            f"{self.updated} mis à jour, {plural(self.unchanged, 'inchangé')}."
        )


def read_hosts_file(path: Path, default_uai: str | None = None) -> list[HostRecord]:
    """Parse a hosts file; InputErrors lists every bad row with its line number."""
    uai = normalize_uai(default_uai) if default_uai else None
    data = read_input_file(path)
    return parse_hosts(data, path.name, uai)


async def import_hosts(
    db: Database, hosts: list[HostRecord], operator: str, source: str, dry_run: bool = False
) -> HostImportReport:
    """Create or update hosts by (uai, card) in one transaction; unknown establishments
    refuse the whole file. Pending requests of the establishments touched are matched again."""
    report = HostImportReport(rows=len(hosts), dry_run=dry_run)
    by_uai: dict[str, list[HostRecord]] = defaultdict(list)
    for host in hosts:
        by_uai[host.uai].append(host)
    report.by_uai = {uai: len(rows) for uai, rows in sorted(by_uai.items())}
    # A dry run reads only: its session never opens a writing transaction.
    async with db.reading() if dry_run else db.writing() as session:
        ids = await known_establishments(session, set(by_uai), source)
        now = utcnow()
        for uai, rows in by_uai.items():
            establishment_id = ids[uai]
            existing = {
                card: (id_, tuple(values))
                for id_, card, *values in (
                    await session.execute(
                        select(Host.id, Host.card, *(getattr(Host, f) for f in _FIELDS)).where(
                            Host.establishment_id == establishment_id
                        )
                    )
                )
            }
            inserts: list[dict[str, object]] = []
            updates: list[dict[str, object]] = []
            for host in rows:
                known = existing.get(host.card)
                if known is not None and known[1] == tuple(getattr(host, f) for f in _FIELDS):
                    report.unchanged += 1  # the common case of a re-import: nothing to fold
                    continue
                values = _values(host)
                if known is None:
                    inserts.append(
                        {
                            **values,
                            "establishment_id": establishment_id,
                            "card": host.card,
                            "card_suffix": card_suffix(host.card),
                            "balance_cents": 0,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                else:
                    updates.append({**values, "host_id": known[0], "updated_at": now})
            report.created += len(inserts)
            report.updated += len(updates)
            if dry_run:
                continue
            if inserts:
                await execute_many(session, insert(_HOSTS), inserts)
            if updates:
                await execute_many(
                    session,
                    update(_HOSTS)
                    .where(_HOSTS.c.id == bindparam("host_id"))
                    .values(
                        {
                            k: bindparam(k)
                            for k in (*_FIELDS, "last_folded", "first_folded", "updated_at")
                        }
                    ),
                    updates,
                )
            if inserts or updates:
                await rematch_pending(session, establishment_id)
            audit.record(
                session,
                operator,
                "hosts.import",
                "establishment",
                [establishment_id],
                establishment_id,
                source=source,
                rows=len(rows),
                created=len(inserts),
                updated=len(updates),
            )
    return report


def _values(host: HostRecord) -> dict[str, object]:
    return {
        "last_name": host.last_name,
        "first_name": host.first_name,
        "kind": host.kind,
        "mode": host.mode,
        "class_name": host.class_name,
        "email": host.email,
        "last_folded": fold_name(host.last_name),
        "first_folded": fold_name(host.first_name),
    }
