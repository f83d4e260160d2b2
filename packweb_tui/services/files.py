"""Reading the files an operator hands over (exports, JSON), with a clear message if not."""

from __future__ import annotations

from pathlib import Path

from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.services.errors import os_words


def read_input_file(path: Path) -> bytes:
    """The file's bytes, or InputErrors saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        reason = os_words(error)
        raise InputErrors([InputError(f"lecture impossible ({reason})", str(path))]) from None
