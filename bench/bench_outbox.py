#!/usr/bin/env python3
"""The outbox sender: 1,000 credentials letters, each an email with its PDF, delivered to a
local SMTP server (aiosmtpd on 127.0.0.1, in a process of its own) by `deliver_outbox`, as
`packweb outbox send` does it: from a fresh process (worker processes started, fonts parsed),
SQLite and PostgreSQL. Target (issue 4): under 10 s on this 2-core machine.

The store is filled directly (accounts, their hosts with French names and some rarer letters,
letters with their own passwords, queued emails), without hashing 1,000 passwords: only the
delivery is measured. The server checks that each Message-ID arrives once.

    python bench/bench_outbox.py [--letters 1000] [--starttls] [--pg-url URL | --no-pg]
                                 [--quick]

--quick: 10 letters over STARTTLS, SQLite only (a few seconds): every step still runs (its
own SMTP server included), so the test suite can tell that the benchmark works.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test?schema=bench_outbox"
UAI = "0750655E"
SENDER = "Intendance du lycée <intendance@lycee-victor-hugo.fr>"
RARE = [("Nguyễn", "Thị Mai"), ("Kowalczyk", "Łukasz"), ("Œuvray-D'Hérouville", "Zoë")]


# --- the SMTP server, in a process of its own ---------------------------------------------------
def serve(port: int, tls_dir: str | None) -> None:
    """aiosmtpd on 127.0.0.1:`port` until SIGTERM; then its figures as JSON on stdout."""
    import re
    import ssl

    from aiosmtpd.smtp import SMTP

    message_id = re.compile(rb"^Message-ID: *(<[^>]+>)", re.I | re.M)
    seen: dict[bytes, int] = {}
    size = 0

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            nonlocal size
            data = envelope.original_content or b""
            size += len(data)
            found = message_id.search(data.split(b"\r\n\r\n", 1)[0])
            key = found.group(1) if found else b"?"
            seen[key] = seen.get(key, 0) + 1
            return "250 2.0.0 OK"

    context = None
    if tls_dir:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(Path(tls_dir) / "server.pem")

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: SMTP(
                Handler(), hostname="localhost", tls_context=context,
                require_starttls=context is not None, loop=loop,
            ),
            "127.0.0.1", port,
        )  # fmt: skip
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        print("ready", flush=True)
        await stop.wait()
        server.close()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(
            json.dumps(
                {
                    "messages": sum(seen.values()),
                    "distinct": len(seen),
                    "bytes": size,
                    "cpu": usage.ru_utime + usage.ru_stime,
                }
            ),
            flush=True,
        )

    asyncio.run(main())


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the store --------------------------------------------------------------------------------
async def fill(url: str, count: int, seed: int = 1) -> None:
    """An establishment, `count` accounts each reaching a host, a letter each (its own
    password) and its email queued."""
    sys.path.insert(0, str(HERE))
    import datagen
    from sqlalchemy import insert, select, update

    from packweb_tui.domain.credentials import new_password
    from packweb_tui.domain.names import fold_name
    from packweb_tui.domain.states import CredentialsState, LetterState, OutboxStatus
    from packweb_tui.services.establishments import add_establishment
    from packweb_tui.services.passwords import hash_password
    from packweb_tui.store.database import Database
    from packweb_tui.store.models import (
        AccountHost,
        Establishment,
        Host,
        Letter,
        OutboxMessage,
        PortalAccount,
        PortalSettings,
        table_of,
    )
    from packweb_tui.store.types import utcnow

    rng = random.Random(seed)
    lasts = datagen.FRENCH_LAST + datagen.FRENCH_LAST_COMPOUND
    firsts = datagen.FRENCH_GIRLS + datagen.FRENCH_BOYS + datagen.FRENCH_COMPOUND_FIRST
    names = [
        RARE[n % len(RARE)] if n % 50 == 0 else (rng.choice(lasts), rng.choice(firsts))
        for n in range(count)
    ]
    password_hash = hash_password("non-mesuré")  # the same for all: hashing is not measured
    now = utcnow()
    async with await Database.create(url) as db:
        await add_establishment(db, UAI, "Lycée Victor-Hugo", "bench")
        async with db.writing() as session:
            eid = await session.scalar(select(Establishment.id))
            await session.execute(
                update(Establishment).values(address="27 rue de Sévigné\n75003 Paris")
            )
            await session.execute(
                update(PortalSettings).values(school_email="intendance@lycee-victor-hugo.fr")
            )
            hosts = (
                await session.execute(
                    insert(table_of(Host)).returning(table_of(Host).c.id),
                    [
                        {
                            "establishment_id": eid, "card": f"{100_000 + n}",
                            "card_suffix": f"{100_000 + n}"[-5:], "last_name": last,
                            "first_name": first, "last_folded": fold_name(last),
                            "first_folded": fold_name(first), "kind": "eleve",
                            "mode": "prepaye", "created_at": now, "updated_at": now,
                        }
                        for n, (last, first) in enumerate(names)
                    ],
                )
            ).scalars().all()  # fmt: skip
            accounts = (
                await session.execute(
                    insert(table_of(PortalAccount)).returning(table_of(PortalAccount).c.id),
                    [
                        {
                            "establishment_id": eid, "login": f"eleve.{n:04d}",
                            "password_hash": password_hash, "email": f"parent{n}@exemple.fr",
                            "must_change_password": True, "enabled": True,
                            "credentials": CredentialsState.TO_SEND, "created_at": now,
                            "created_by": "bench", "updated_at": now,
                        }
                        for n in range(count)
                    ],
                )
            ).scalars().all()  # fmt: skip
            await session.execute(
                insert(table_of(AccountHost)),
                [{"account_id": a, "host_id": h} for a, h in zip(accounts, hosts, strict=True)],
            )
            letters = (
                await session.execute(
                    insert(table_of(Letter)).returning(table_of(Letter).c.id),
                    [
                        {"account_id": a, "state": LetterState.PENDING,
                         "password_plain": new_password(), "created_at": now,
                         "created_by": "bench"}
                        for a in accounts
                    ],
                )
            ).scalars().all()  # fmt: skip
            await session.execute(
                insert(table_of(OutboxMessage)),
                [
                    {"kind": "letter", "letter_id": lid, "to_addr": f"parent{n}@exemple.fr",
                     "subject": "Vos identifiants de l'espace numérique – Lycée Victor-Hugo",
                     "body": "", "status": OutboxStatus.QUEUED, "attempts": 0,
                     "created_at": now, "next_attempt_at": now}
                    for n, lid in enumerate(letters)
                ],
            )  # fmt: skip


def busy_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


# --- one run, in a fresh process -----------------------------------------------------------------
async def deliver(url: str, port: int, tls_dir: str | None) -> dict[str, Any]:
    from packweb_tui.config import Config, PortalConfig, SmtpConfig
    from packweb_tui.services.outbox.delivery import deliver_outbox
    from packweb_tui.store.database import Database

    config = Config(
        smtp=SmtpConfig(
            host="127.0.0.1", port=port, security="starttls" if tls_dir else "none",
            sender=SENDER, ca_file=Path(tls_dir) / "ca.pem" if tls_dir else None,
        ),
        portal=PortalConfig(url="https://cantine.lycee-victor-hugo.fr"),
    )  # fmt: skip
    marks: list[float] = []
    async with await Database.open(url) as db:
        busy0, all0 = busy_jiffies()
        cpu0 = time.process_time()
        start = time.perf_counter()
        report = await deliver_outbox(
            db, config, operator="bench", progress=lambda d, t: marks.append(time.perf_counter())
        )
        total = time.perf_counter() - start
        cpu = time.process_time() - cpu0
        busy1, all1 = busy_jiffies()
    if report.error or len(report.sent) != report.total:
        raise SystemExit(f"delivery incomplete: {report.summary()}")
    return {
        "sent": len(report.sent),
        "total": total,
        "first": marks[1] - start,
        "main_cpu": cpu,
        "machine_busy": (busy1 - busy0) / max(all1 - all0, 1),
    }


def worker(args: argparse.Namespace) -> None:
    url, port = args.url, args.port
    asyncio.run(fill(url, args.letters))
    result = asyncio.run(deliver(url, port, args.tls_dir))
    print(json.dumps(result), flush=True)


def run_engine(label: str, url: str, args: argparse.Namespace, tls_dir: str | None) -> None:
    port = free_port()
    tls = ["--tls-dir", tls_dir] if tls_dir else []
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), *tls], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            raise SystemExit("the SMTP server did not start")
        command = [sys.executable, __file__, "--worker", "--url", url, "--port", str(port)]
        command += ["--letters", str(args.letters), *tls]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode:
            raise SystemExit(f"{label}: {done.stderr.strip().splitlines()[-1:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=30)
    stats = json.loads(out.strip().splitlines()[-1])
    once = stats["messages"] == stats["distinct"] == args.letters
    print(
        f"{label}: {result['sent']} messages with their PDFs in {result['total']:.2f} s "
        f"(target < 10 s), {result['sent'] / result['total']:.0f}/s; first accepted after "
        f"{result['first']:.2f} s; {stats['bytes'] / stats['messages'] / 1024:.0f} KiB a "
        f"message; CPU: sender process {result['main_cpu']:.1f} s, SMTP server "
        f"{stats['cpu']:.1f} s, machine {result['machine_busy']:.0%} busy; "
        f"each Message-ID once: {'yes' if once else 'NO'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--starttls", action="store_true", help="STARTTLS (trustme certificate)")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--quick", action="store_true", help="10 letters, STARTTLS, SQLite only")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tls-dir", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.tls_dir)
        return
    if args.worker:
        worker(args)
        return
    if args.quick:
        args.letters, args.starttls, args.no_pg = 10, True, True

    print(f"{os.cpu_count()} core(s); {args.letters} letters; security "
          f"{'starttls' if args.starttls else 'none'}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        tls_dir = None
        if args.starttls:
            import trustme

            authority = trustme.CA()
            authority.cert_pem.write_to_path(f"{tmp}/ca.pem")
            authority.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(
                f"{tmp}/server.pem"
            )
            tls_dir = tmp
        run_engine("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.db", args, tls_dir)
        if not args.no_pg:
            with contextlib.suppress(SystemExit):
                drop_pg_schema(args.pg_url)
            try:
                run_engine("PostgreSQL", args.pg_url, args, tls_dir)
            finally:
                with contextlib.suppress(Exception):
                    drop_pg_schema(args.pg_url)


def drop_pg_schema(url: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    schema = parsed.query.get("schema")
    if not isinstance(schema, str):
        return
    dsn = parsed.difference_update_query(["schema"]).set(drivername="postgresql")

    async def drop() -> None:
        conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()

    asyncio.run(drop())


if __name__ == "__main__":
    main()
