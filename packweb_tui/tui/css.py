"""Where each screen's stylesheets are: styles/<module>.tcss, in the checkout or the wheel."""

from __future__ import annotations

from pathlib import PurePath

from packweb_tui.resources import styles_dir


def css_paths(*modules: str) -> list[str | PurePath]:
    """Absolute paths, so that Textual finds them wherever the package is installed."""
    return [styles_dir() / f"{module}.tcss" for module in modules]
