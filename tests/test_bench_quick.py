"""Every benchmark runs in its --quick mode (tiny sizes, SQLite, its own SMTP server), so a
benchmark that no longer matches the code fails here rather than on the day someone needs
its figures. New `bench/bench_*.py` files are picked up by name."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import packweb_tui

ROOT = Path(__file__).resolve().parent.parent
BENCHES = sorted((ROOT / "bench").glob("bench_*.py"))

pytestmark = pytest.mark.slow


def test_benches_are_found_and_listed_in_their_readme() -> None:
    assert BENCHES, "no bench/bench_*.py found"
    readme = (ROOT / "bench" / "README.md").read_text()
    assert [b.name for b in BENCHES if f"`{b.name}`" not in readme] == []


@pytest.mark.parametrize("bench", BENCHES, ids=[b.stem for b in BENCHES])
def test_bench_quick_mode_runs(bench: Path) -> None:
    # The benchmark's subprocesses import the same packweb_tui as this test.
    source = str(Path(packweb_tui.__file__).resolve().parent.parent)
    path = os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(bench), "--quick"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        cwd=ROOT,
        timeout=180,
        check=False,
    )
    print(f"{bench.name} --quick: {time.perf_counter() - start:.1f} s\n{done.stdout}")
    assert done.returncode == 0, f"{bench.name} --quick failed:\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip(), f"{bench.name} --quick printed no figures"
