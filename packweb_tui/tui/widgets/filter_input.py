"""A field that filters as it is typed."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
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


def keys_to_filter(
    event: events.Key, field: FilterInput, open_filter: Callable[[], None] | None
) -> None:
    """For a pane's `on_key`: letters typed in one burst with the `/` (a fast typist over SSH,
    a paste) are all queued to the pane's table before the `/` moves the focus. The `/` is
    acted on as it bubbles up through the pane (`open_filter`, None when filtering is not
    possible now; a binding would act only once every key has been through), and the
    letters behind it go on to the filter."""
    focused = field.screen.focused is field  # has_focus follows a message later
    if event.key == "slash" and not focused:
        if open_filter is not None:
            event.stop()
            event.prevent_default()
            open_filter()
    elif focused and event.is_printable and event.character:
        event.stop()
        event.prevent_default()
        field.insert_text_at_cursor(event.character)
