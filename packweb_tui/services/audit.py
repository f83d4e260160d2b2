"""The audit log: who did what, when, on which rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from packweb_tui.store.models import AuditEntry

# Bulk actions name at most this many row ids; the count is always kept in details.
MAX_ROW_IDS = 10_000


def record(
    session: AsyncSession,
    operator: str,
    action: str,
    entity: str,
    row_ids: Iterable[int] = (),
    establishment_id: int | None = None,
    **details: Any,
) -> None:
    """Add an audit entry to the current transaction: it is kept only if the change is."""
    ids = list(row_ids)
    if len(ids) > MAX_ROW_IDS:
        details["rows_count"] = len(ids)
        ids = ids[:MAX_ROW_IDS]
    session.add(
        AuditEntry(
            operator=operator,
            action=action,
            entity=entity,
            row_ids=ids,
            establishment_id=establishment_id,
            details=details,
        )
    )
