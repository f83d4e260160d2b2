"""What the command line prints is French: the outbox's kinds, the configuration's errors,
the database URLs it does not take."""

from __future__ import annotations

import asyncio

from click.testing import CliRunner

from packweb_tui.cli import cli
from packweb_tui.store.database import Database
from packweb_tui.store.models import OutboxMessage


def test_outbox_list_names_the_kinds_in_french(sqlite_url: str) -> None:
    async def queue() -> None:
        async with await Database.open(sqlite_url) as db, db.writing() as session:
            for kind in ("letter", "rejection", "digest"):
                session.add(OutboxMessage(kind=kind, to_addr="p@exemple.fr", subject="s", body="b"))

    asyncio.run(queue())
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "outbox", "list"])
    assert result.exit_code == 0, result.output
    kinds = [line.split()[3] for line in result.stdout.splitlines()[:3]]
    assert kinds == ["lettre", "refus", "récapitulatif"]
    for english in ("letter", "rejection", "digest"):
        assert english not in result.stdout
