"""`packweb daemon`: the school server's background service (deploy/packweb-daemon.service).

APScheduler runs, on the asyncio loop of one process:
- the outbox sender every minute (letters, rejections, digests: services/outbox/);
- the nightly synchronisation with the portal, when it exists (`[sync] schedule`,
  docs/configuration.md).

Each job logs one French line a run to standard output (the journal under systemd); a job that
fails logs why and runs again at its next time: the daemon itself never stops on an error.
SIGTERM and SIGINT stop it after the message under way: the outbox sender ends its run there,
the rest waits for the next start."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from packweb_tui.config import Config
from packweb_tui.services.errors import first_line

if TYPE_CHECKING:
    from packweb_tui.store.database import Database

LOG = logging.getLogger("packweb.daemon")
OUTBOX_EVERY_SECONDS = 60


@dataclass(frozen=True)
class Job:
    id: str
    label: str  # French, for the log
    run: Callable[[Database], Awaitable[str]]  # returns the line to log


def jobs(config: Config, stop: asyncio.Event | None = None) -> list[Job]:
    """The daemon's jobs; `stop` set (SIGTERM) ends a long run after the message under way,
    well within systemd's stop timeout."""

    async def outbox(db: Database) -> str:
        from packweb_tui.services.outbox.delivery import deliver_outbox

        report = await deliver_outbox(db, config, stop=stop)
        return report.summary()

    return [Job("outbox", "envoi des courriels", outbox)]


async def run_job(db: Database, job: Job, busy: asyncio.Lock) -> None:
    async with busy:  # one job at a time; stopping waits for it (see serve)
        await _run(db, job)


async def _run(db: Database, job: Job) -> None:
    try:
        line = await job.run(db)
    except Exception as error:  # logged, and tried again at its next time
        detail = first_line(error)
        LOG.error("%s : échec : %s", job.label, detail)
        return
    if line:
        LOG.info("%s : %s", job.label, line)


async def serve(db_url: str, config: Config, stop: asyncio.Event | None = None) -> None:
    """Run the jobs until `stop` is set (or SIGTERM/SIGINT)."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    from packweb_tui.domain.dates import PARIS
    from packweb_tui.services.database import open_database

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, stop.set)
    db = await open_database(db_url)
    scheduler = AsyncIOScheduler(timezone=PARIS)
    busy = asyncio.Lock()
    try:
        planned = jobs(config, stop)
        for job in planned:
            scheduler.add_job(
                run_job,
                IntervalTrigger(seconds=OUTBOX_EVERY_SECONDS, timezone=PARIS),
                args=(db, job, busy),
                id=job.id,
                max_instances=1,  # a slow run is not overlapped by the next one
                coalesce=True,
                next_run_time=datetime.now(PARIS),  # the first run at once
            )
        scheduler.start()
        LOG.info("démarré : %s", ", ".join(j.label for j in planned))
        await stop.wait()
    finally:
        # No new run; the one under way ends first: APScheduler's shutdown would cancel it
        # between a message accepted by the server and its being marked sent.
        if scheduler.running:
            scheduler.pause()
        async with busy:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            await db.close()
        LOG.info("arrêté")
