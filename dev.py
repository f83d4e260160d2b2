#!/usr/bin/env python3
"""Set-up and run in one command, on a fresh machine with only Python 3.11+ and pip.

    python3 dev.py demo     # opens the console on the demo data
    python3 dev.py test     # lint, types, layers, then the whole test suite

Creates `.venv/` beside this file (unless a virtual environment is already active), installs
the project into it when pyproject.toml changed, then runs the command inside it."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def in_venv() -> bool:
    return sys.prefix != sys.base_prefix


def venv_python() -> Path:
    if in_venv():
        return Path(sys.executable)
    env_dir = ROOT / ".venv"
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        print("Création de l'environnement virtuel .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(env_dir)
    return python


def install(python: Path, extras: str) -> None:
    """pip install -e .[extras], skipped when nothing it depends on has changed."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = Path(sys.prefix if in_venv() else ROOT / ".venv") / f".packweb-{extras or 'run'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("Installation des dépendances …", flush=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-e",
            target,
        ],
        cwd=ROOT,
        check=True,
    )
    stamp.write_text(digest)


def run(python: Path, *args: str) -> int:
    return subprocess.run([str(python), *args], cwd=ROOT, check=False).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    python = venv_python()
    command, rest = argv[0], argv[1:]
    if command == "demo":
        install(python, "")
        return run(python, "-m", "packweb_tui", "demo", *rest)
    install(python, "test")
    py = str(python)
    checks = {
        "ruff": [py, "-m", "ruff", "check", "."],
        "ruff format": [py, "-m", "ruff", "format", "--check", "."],
        "mypy": [py, "-m", "mypy"],
        # the one-way layers of docs/architecture.md, as contracts in pyproject.toml
        "import-linter": [str(python.parent / "lint-imports")],
    }
    for name, args in checks.items():
        print(f"--- {name}", flush=True)
        if code := subprocess.run(args, cwd=ROOT, check=False).returncode:
            print(f"échec : {name}", file=sys.stderr)
            return code
    print("--- pytest", flush=True)
    return run(python, "-m", "pytest", *rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
