"""The wheel carries everything the console needs once installed elsewhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_styles_demo_data_fonts_and_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("packweb_tui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "packweb_tui/styles/app.tcss",
        "packweb_tui/data/demo/hosts.csv",
        "packweb_tui/data/demo/requests.json",
        "packweb_tui/data/fonts/DejaVuSans.ttf",
        "packweb_tui/data/fonts/DejaVuSansMono.ttf",
        "packweb_tui/store/migrations/env.py",
        "packweb_tui/store/migrations/script.py.mako",
        "packweb_tui/store/migrations/versions/0001_initial.py",
        "packweb_tui/store/migrations/versions/0002_establishment_phone.py",
        "packweb_tui/py.typed",
    }
    assert expected <= names, sorted(expected - names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "packweb = packweb_tui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
