"""Where the styles, demo data and fonts are: inside the package once installed from a wheel,
at the top of the source tree in a checkout (editable install)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """The folder `name` (``styles``, ``data``): packaged copy first, then the checkout's."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"dossier de ressources introuvable : {name}")


def styles_dir() -> Path:
    return resource_dir("styles")


def demo_dir() -> Path:
    return resource_dir("data") / "demo"


def fonts_dir() -> Path:
    return resource_dir("data") / "fonts"
