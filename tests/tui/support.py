"""A small store for the console's tests, filled through the services as an operator would:
two establishments, a few hosts, a few requests. Dates are fixed (snapshots must not change
from one day to the next) except one request made an hour before the test."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from packweb_tui.domain.hosts import HostKind, HostMode, HostRecord
from packweb_tui.domain.requests import RequestRecord
from packweb_tui.services.establishments import add_establishment
from packweb_tui.services.hosts import import_hosts
from packweb_tui.services.requests import import_requests
from packweb_tui.store.database import Database

OPERATOR = "agent"
LYCEE = ("0750655E", "Lycée Victor-Hugo")
COLLEGE = ("0692185A", "Collège Jean-Moulin")  # first by UAI: the console opens on it

E, C, S = HostKind.ELEVE, HostKind.COMMENSAL, HostKind.STAGIAIRE
P, F = HostMode.PREPAYE, HostMode.FORFAIT
HOSTS = [
    HostRecord(LYCEE[0], "1234500001", "Dupont", "Marie-Hélène", E, P, "2nde 3"),
    HostRecord(LYCEE[0], "1234500002", "Martin", "Lucas", E, F, "1re 2"),
    HostRecord(LYCEE[0], "1234500003", "Bernard", "Emma", E, F, "Tle 1"),
    HostRecord(LYCEE[0], "7700011111", "Leroy", "Paul", C, P),
    HostRecord(LYCEE[0], "7700022222", "Petit", "Julie", S, P),
    HostRecord(COLLEGE[0], "60535641", "Adam", "Apolline", E, P, "3e A"),
    HostRecord(COLLEGE[0], "47186642", "Adam", "Clémence", E, F, "5e C"),
]


def requests(now: datetime) -> list[RequestRecord]:
    def at(iso: str) -> datetime:
        return datetime.fromisoformat(iso).astimezone(UTC)

    def request(
        n: int, uai: str, digits: str, last: str, first: str, when: datetime
    ) -> RequestRecord:
        return RequestRecord(f"{uai}-{n:06d}", uai, digits, last, first, f"p{n}@example.fr", when)

    return [
        request(1, LYCEE[0], "00001", "DUPONT", "Marie Helene", at("2026-09-01T08:00:00+02:00")),
        request(2, LYCEE[0], "00002", "Martin", "Lukas", at("2026-09-02T09:30:00+02:00")),
        request(3, LYCEE[0], "99999", "Inconnu", "Jean", at("2026-09-03T10:00:00+02:00")),
        request(4, LYCEE[0], "11111", "Leroy", "Paul", now - timedelta(hours=1)),
        request(5, COLLEGE[0], "35641", "Adam", "Apolline", at("2026-09-04T18:15:00+02:00")),
    ]


async def fill(db: Database, now: datetime | None = None) -> None:
    for uai, name in (LYCEE, COLLEGE):
        await add_establishment(db, uai, name, OPERATOR)
    await import_hosts(db, HOSTS, OPERATOR, "hosts.csv")
    await import_requests(db, requests(now or datetime.now(UTC)), OPERATOR, "requests.json")


# The instant the snapshots and the request tests live at (ages and lateness stay put).
FIXED_NOW = datetime(2026, 9, 5, 10, 0, tzinfo=UTC)


def make_console_db(path: Path, now: datetime | None = None) -> str:
    """A SQLite file at `path` with the data above; its URL."""
    url = f"sqlite+aiosqlite:///{path}"

    async def create() -> None:
        async with await Database.create(url) as db:
            await fill(db, now)

    asyncio.run(create())
    return url


def make_empty_db(path: Path) -> str:
    url = f"sqlite+aiosqlite:///{path}"

    async def create() -> None:
        await (await Database.create(url)).close()

    asyncio.run(create())
    return url


async def wait_until(pilot: Pilot[Any], ready: Callable[[], bool], timeout: float = 15) -> None:
    """Let the app work until `ready()`, then until its workers (pane reads) are done."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not ready():
        assert loop.time() < deadline, "the console did not get there in time"
        await pilot.pause(0.02)
    await workers_done(pilot)
    await pilot.pause()


async def workers_done(pilot: Pilot[Any]) -> None:
    """Until the app's workers are done. A worker replaced meanwhile by a newer one of its
    exclusive group (a pane read again) is cancelled: that is no failure, unlike Textual's
    `wait_for_complete`, which raises WorkerCancelled for it."""
    from textual.worker import WorkerCancelled

    outcomes = await asyncio.gather(
        *(worker.wait() for worker in list(pilot.app.workers)), return_exceptions=True
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(
            outcome, WorkerCancelled | asyncio.CancelledError
        ):
            raise outcome


def figures(app: object, pane_id: str) -> str:
    """The figures a pane shows, as plain text."""
    from textual.app import App
    from textual.widgets import Static

    assert isinstance(app, App)
    return str(app.screen.query_one(f"#{pane_id}-pane .pane-figures", Static).content)


async def wait_loaded(pilot: Pilot[Any]) -> None:
    """Until the store is open and every pane shows figures."""
    from packweb_tui.tui.app import PackWebApp
    from packweb_tui.tui.panes.pane import OPENING
    from packweb_tui.tui.screens.console import TABS

    app = pilot.app
    assert isinstance(app, PackWebApp)

    def loaded() -> bool:
        return app.ready and all(figures(app, tab_id) != OPENING for tab_id, _, _ in TABS)

    await wait_until(pilot, loaded)
