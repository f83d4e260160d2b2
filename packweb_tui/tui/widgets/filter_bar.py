"""The bar that filters a pane's lines as they are typed (`/` opens it)."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    """A one-line field, hidden until `open`; Enter leaves it (hidden again when empty) and
    posts `Done`, `close` empties and hides it.

    Every change of its text is handed to `on_typed` at once, in the same step as the key:
    the filtered lines are then drawn in the same frame as the letter typed. Through a
    message they would come a frame later (measured in a pty: some 25 ms more per key)."""

    DEFAULT_CSS = """
    FilterBar {
        background: $boost;
    }
    """

    class Done(Message):
        """Enter was pressed in the bar: the pane's lines take the focus back."""

        def __init__(self, bar: FilterBar) -> None:
            super().__init__()
            self.bar = bar

        @property
        def control(self) -> FilterBar:
            return self.bar

    def __init__(
        self, placeholder: str, on_typed: Callable[[str], None], *, id: str | None = None
    ) -> None:
        super().__init__(placeholder=placeholder, id=id, compact=True)
        self.display = False
        self._on_typed = on_typed

    def watch_value(self, value: str) -> None:
        self._on_typed(value)

    def open(self) -> None:
        self.display = True
        # At once, not after the next refresh as focus() does: letters typed quickly after
        # the `/` go to the filter, not to the keys of the pane's lines.
        self.screen.set_focus(self)

    def close(self) -> None:
        self.value = ""
        self.display = False

    @property
    def typing(self) -> bool:
        """Whether the bar has the focus (has_focus follows a message later)."""
        return self.screen.focused is self

    def _on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.value:
            self.display = False
        self.post_message(self.Done(self))

    def take_key(self, event: events.Key, open_filter: Callable[[], None] | None) -> None:
        """For a pane's `on_key`: letters typed in one burst with the `/` (a fast typist over
        SSH, a paste) are all queued to the pane's lines before the `/` moves the focus. The
        `/` is acted on as it bubbles up through the pane (`open_filter`, None when filtering
        is not possible now; a binding would act only once every key has been through), and
        the letters behind it go on to the filter."""
        focused = self.typing
        if event.key == "slash" and not focused:
            if open_filter is not None:
                event.stop()
                event.prevent_default()
                open_filter()
        elif focused and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            self.insert_text_at_cursor(event.character)
