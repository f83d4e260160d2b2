"""The console's first read, started as early as possible: in a thread, while Textual is
still being imported, with the standard library's sqlite3 (services/pending.py). The rows
are painted as soon as the frame is, and SQLAlchemy loads after them."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packweb_tui.services.pending import StartSnapshot


def prefetch(db_url: str, now: datetime | None = None) -> Future[StartSnapshot | None]:
    """The first page of the queue of the establishment used last, read in a thread; None
    when it cannot be read that way (then the console simply waits for the store to open)."""
    future: Future[StartSnapshot | None] = Future()

    def read() -> None:
        try:
            from packweb_tui.services.pending import start_snapshot
            from packweb_tui.tui.state import last_uai

            future.set_result(start_snapshot(db_url, last_uai(), now or datetime.now(UTC)))
        except Exception:
            # Only a head start: whatever went wrong here, opening the store the usual way
            # meets it again and says so properly.
            future.set_result(None)

    threading.Thread(target=read, name="packweb-first-read", daemon=True).start()
    return future
