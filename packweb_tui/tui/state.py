"""What the console remembers between two sessions of an operator: the establishment used
last. A small text file in the user's data directory; losing it only means opening on the
first establishment."""

from __future__ import annotations

from pathlib import Path

FILE_NAME = "derniere-uai.txt"


def _path() -> Path:
    from packweb_tui.config import user_data_dir

    return user_data_dir() / FILE_NAME


def last_uai() -> str | None:
    """The UAI used last, or None (never saved, or unreadable)."""
    try:
        text = _path().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text[:8] or None


def remember_uai(uai: str) -> None:
    """Save the UAI at work; a failure (read-only home...) is not worth troubling anyone."""
    path = _path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(uai + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass
