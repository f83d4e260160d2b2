"""A field that filters as it is typed."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input


class FilterInput(Input):
    """An Input whose text is handed to `on_change` at once, in the same step as the key:
    the filtered lines are then drawn in the same frame as the letter typed (through the
    Changed message they would come one frame later, some 20 ms)."""

    def __init__(self, on_change: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._on_change = on_change

    def watch_value(self, value: str) -> None:
        self._on_change(value)
