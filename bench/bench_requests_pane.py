#!/usr/bin/env python3
"""The Demandes pane at scale: 10,000 pending requests of one establishment among 100,000 of
its hosts (datagen.py's scale mode, one establishment), in a temporary SQLite file.

Measures, and prints:
- inside the app (run_test, 80x24, fresh processes): from the app's start to the first rows
  drawn and to the store open behind them; filtering (10,000 rows filtered and the visible
  lines drawn again) and a sort; the peak memory of the process;
- in a pseudo-terminal (80x24, as over SSH, a fresh `python -m packweb_tui`): from launch
  until the counts line and the first rows are on screen, then from each key of a filter
  to the filtered lines on screen.
Targets (issue 3): first rows under 0.5 s, a filter keystroke under 50 ms, memory under 200 MB.

    python bench/bench_requests_pane.py [--hosts 100000 --requests 10000 --runs 3] [--quick]

--quick: 500 hosts, 50 requests, one run of each, four keys in the pty, no warm-up session
(a few seconds): every step still runs, so the test suite can tell that the benchmark works.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


async def fill(data: Path, url: str) -> tuple[str, int]:
    from packweb_tui.services.demo import add_establishments
    from packweb_tui.services.hosts import import_hosts, read_hosts_file
    from packweb_tui.services.requests import import_requests, read_requests_file
    from packweb_tui.store.database import Database

    async with await Database.create(url) as db:
        # The file as datagen writes it, read as the demo reads it (one establishment).
        (uai,) = await add_establishments(db, data / "establishments.csv", "bench")
        await import_hosts(db, read_hosts_file(data / "hosts.csv"), "bench", "hosts.csv")
        requests = read_requests_file(data / "requests.json")
        await import_requests(db, requests, "bench", "requests.json")
    return uai, len(requests)


def peak_rss_mb() -> float:
    """This process's peak resident memory. Not getrusage: on Linux its ru_maxrss survives
    exec, so a child forked from a big parent reports the parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def in_app(url: str) -> dict[str, float]:
    from packweb_tui.tui.app import PackWebApp
    from packweb_tui.tui.widgets.requests_table import RequestsTable

    painted: list[float] = []
    draw_line = RequestsTable.render_line

    def render_line(self: RequestsTable, y: int) -> Any:  # notes when a row is first drawn
        if y == 1 and self.loaded and not painted:
            painted.append(time.perf_counter())
        return draw_line(self, y)

    RequestsTable.render_line = render_line  # type: ignore[method-assign]
    start = time.perf_counter()
    app = PackWebApp(db_url=url, operator="bench")
    figures: dict[str, float] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(RequestsTable)
        while not painted:
            await asyncio.sleep(0.002)
        figures["first_rows"] = painted[0] - start
        while not app.ready or table.partial:  # the store opened, every row read behind
            await asyncio.sleep(0.01)
        figures["store_open"] = time.perf_counter() - start
        figures["rows"] = len(table.rows)
        await pilot.pause(0.6)  # the lines' folded texts are made half a second after

        def redraw() -> None:
            for y in range(table.size.height):
                table.render_line(y)

        keystrokes = []
        for text in ("d", "du", "dup", "dupo", "dupon", "dupont", "dupon", "dup", "du", "d", ""):
            t = time.perf_counter()
            table.set_filter(text)
            redraw()
            keystrokes.append(time.perf_counter() - t)
        figures["filter_median"] = statistics.median(keystrokes)
        figures["filter_max"] = max(keystrokes)
        t = time.perf_counter()
        table.action_next_sort()
        redraw()
        figures["sort"] = time.perf_counter() - t
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


FILTER_KEYS = b"martin\x7f\x7f\x7f\x7f\x7f\x7f"  # typed after `/`, then erased


def in_pty(
    url: str, timeout: float = 30.0, typed: bytes = FILTER_KEYS
) -> tuple[float, list[float]]:
    """In a pseudo-terminal (80x24, as over SSH, a fresh `python -m packweb_tui`): seconds
    from exec to the counts and the first rows on screen; then, once the store is open,
    the milliseconds from each key of a filter typed after `/` to the output of the
    filtered lines (the table's header line is drawn again with them)."""
    import fcntl
    import pty
    import select
    import signal
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", COLUMNS="80", LINES="24")
        os.execv(sys.executable, [sys.executable, "-m", "packweb_tui", "--db", url])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()

    def read_until(wanted: tuple[bytes, ...], since: float, limit: float) -> float:
        seen = b""
        while time.perf_counter() - since < limit:
            ready, _, _ = select.select([fd], [], [], 0.002)
            if ready:
                seen += os.read(fd, 65536)
                if all(w in seen for w in wanted):
                    return time.perf_counter() - since
        raise SystemExit(f"not on screen within {limit} s: {wanted!r}; saw {seen[-300:]!r}")

    def drain(quiet: float) -> None:
        last = time.perf_counter()
        while time.perf_counter() - last < quiet:
            if select.select([fd], [], [], 0.01)[0]:
                os.read(fd, 65536)
                last = time.perf_counter()

    try:
        launch = read_until((b"en attente", b"Concordance"), start, timeout)
        drain(2.0)  # the store opens behind the rows (SQLAlchemy, the whole queue, the panes)
        os.write(fd, b"/")
        drain(0.3)
        keys = []
        for key in typed:
            t = time.perf_counter()
            os.write(fd, bytes([key]))
            keys.append(read_until((b"Concordance",), t, 5.0) * 1000)
            drain(0.2)
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)
    return launch, keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # one in-app measure in a fresh process (its own peak memory)
        figures = asyncio.run(in_app(args.worker))
        print(" ".join(f"{k}={v}" for k, v in figures.items()))
        return
    typed = FILTER_KEYS
    if args.quick:
        args.hosts, args.requests, args.runs, typed = 500, 50, 1, b"ma\x7f\x7f"
    import subprocess

    from datagen import scale_dataset

    with tempfile.TemporaryDirectory() as tmp:
        data, url = Path(tmp) / "data", f"sqlite+aiosqlite:///{Path(tmp) / 'pane.db'}"
        t = time.perf_counter()
        scale_dataset(args.hosts, args.requests, payments=0, establishments=1).write(data)
        uai, count = asyncio.run(fill(data, url))
        print(f"data: {args.hosts} hosts, {count} requests, 1 establishment ({uai}), "
              f"prepared in {time.perf_counter() - t:.1f} s")  # fmt: skip
        # The pending ones only (datagen also makes accounts and decided requests).
        runs = []
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, __file__, "--worker", url],
                capture_output=True,
                text=True,
                env={**os.environ, "XDG_DATA_HOME": str(Path(tmp) / "xdg")},
            )
            if done.returncode:
                sys.stderr.write(done.stderr)  # the worker's own traceback says why
                done.check_returncode()
            out = done.stdout.strip().splitlines()[-1]
            runs.append({k: float(v) for k, v in (p.split("=") for p in out.split())})
        if not args.quick:  # quick: the figures do not count, leave the sources as they are
            # As installed (pip byte-compiles a wheel): this machine sets
            # PYTHONDONTWRITEBYTECODE, which would have every launch compile the package's
            # sources again.
            import compileall

            import packweb_tui

            compileall.compile_dir(Path(packweb_tui.__file__).parent, quiet=1)
            in_pty(url)  # warm the caches
        sessions = [in_pty(url, typed=typed) for _ in range(args.runs)]
        launches = [launch for launch, _ in sessions]
        keys = [k for _, ks in sessions for k in ks]

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(f"pending rows in the table: {int(runs[0]['rows'])}")
    print(f"in app (run_test 80x24), median of {args.runs} fresh processes:")
    print(f"  app start -> first rows drawn: {med('first_rows'):.3f} s   (target < 0.5 s)")
    print(f"  app start -> store open, every row read behind them: {med('store_open'):.3f} s")
    worst = max(r["filter_max"] for r in runs) * 1000
    print(
        f"  filter {int(runs[0]['rows'])} rows + redraw visible lines: median "
        f"{med('filter_median') * 1000:.1f} ms, max {worst:.1f} ms"
    )
    print(f"  sort by the next column + redraw: {med('sort') * 1000:.1f} ms")
    print(f"  peak RSS: {max(r['peak_rss_mb'] for r in runs):.0f} MB   (target < 200 MB)")
    print(f"in a pty (fresh `python -m packweb_tui`, 80x24), {args.runs} sessions:")
    print(
        f"  launch -> counts and first rows on screen: median "
        f"{statistics.median(launches):.3f} s, min {min(launches):.3f} s, "
        f"max {max(launches):.3f} s   (target < 0.5 s)"
    )
    print(
        f"  filter keystroke -> filtered lines on screen: median "
        f"{statistics.median(keys):.0f} ms, max {max(keys):.0f} ms over {len(keys)} keys "
        f"(target < 50 ms)"
    )


if __name__ == "__main__":
    main()
