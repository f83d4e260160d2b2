"""Time from launch to the first painted frame of the console.

Prepares the demo database, then starts `packweb --db DEMO` in a pseudo-terminal (80x24, as over
SSH) several times and measures how long until the screen shows the tab bar, and until it
shows a figure read from the store (the panes have loaded). Prints the figures.

    python bench/bench_startup.py [--runs 5] [--quick]

--quick: one launch, no warm-up launch (a few seconds): every step still runs, so the test
suite can tell that the benchmark works.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

FIRST_FRAME = b"Demandes"  # the first tab's label: the frame is painted
LOADED = b"attente"  # "… en attente": the Demandes pane shows the store's figures


def launch(db_url: str, timeout: float = 30.0) -> tuple[float, float]:
    """Start the console in a pty; seconds until the first frame and until data is shown."""
    pid, fd = pty.fork()
    if pid == 0:  # child: the console, in an 80x24 terminal
        os.environ.update(TERM="xterm-256color", COLUMNS="80", LINES="24")
        os.execv(sys.executable, [sys.executable, "-m", "packweb_tui", "--db", db_url])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    seen = b""
    first = loaded = 0.0
    try:
        while time.perf_counter() - start < timeout and not loaded:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen += chunk
            now = time.perf_counter() - start
            if not first and FIRST_FRAME in seen:
                first = now
            if first and LOADED in seen:
                loaded = now
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)
    if not first:
        raise SystemExit(f"no frame within {timeout} s; output ends with: {seen[-300:]!r}")
    return first, loaded


def import_time() -> float:
    """Seconds to import the command line module alone (what every command pays)."""
    code = (
        "import time; t = time.perf_counter(); import packweb_tui.cli; "
        "print(time.perf_counter() - t)"
    )
    return float(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one launch, no warm-up")
    args = parser.parse_args()
    if args.quick:
        args.runs = 1
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}"
        subprocess.run(
            [sys.executable, "-m", "packweb_tui", "--db", db_url, "demo", "--reset", "--load-only"],
            check=True,
            capture_output=True,
        )
        if not args.quick:
            launch(db_url)  # warm the OS file cache and the bytecode cache
        runs = [launch(db_url) for _ in range(args.runs)]
    firsts, loads = [r[0] for r in runs], [r[1] for r in runs if r[1]]
    print(f"import packweb_tui.cli: {import_time() * 1000:.0f} ms")
    print(
        f"launch -> first painted frame (80x24, demo data), {args.runs} runs: "
        f"median {statistics.median(firsts):.3f} s, min {min(firsts):.3f} s, "
        f"max {max(firsts):.3f} s"
    )
    if loads:
        print(f"launch -> store figures shown: median {statistics.median(loads):.3f} s")


if __name__ == "__main__":
    main()
