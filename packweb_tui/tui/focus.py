"""Where the focus goes when a dialog closes: back where it was when the dialog opened.

Textual keeps each screen's focus while a dialog covers it, but the screen underneath may
change meanwhile (its lists read again, a section hidden): what had the focus may be gone,
and Textual then hands it to a neighbour (the tab bar, a text field), where the pane's keys
no longer work and a digit is typed instead of changing tab. So when a screen comes back on
top, the focus goes back to the widget it was on if that can still take it, else to what
the screen's keys act on (its `focus_default()`, if it has one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.widget import Widget


class FocusKeeper:
    """Follows `app`'s screens (`screen_changed`, on its screen_change_signal)."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        # Screens covered by a dialog (by id) → where their focus was when it opened.
        self._covered: dict[int, tuple[Screen[Any], Widget | None]] = {}

    def screen_changed(self, top: Screen[Any]) -> None:
        stack = self._app.screen_stack
        back = self._covered.pop(id(top), None)
        if back is not None:
            self._give_back(top, back[1])
        for screen in stack[:-1]:  # those covered now: the first cover's focus is the one
            self._covered.setdefault(id(screen), (screen, screen.focused))
        alive = {id(screen) for screen in stack}
        for key in [key for key in self._covered if key not in alive]:
            del self._covered[key]

    @staticmethod
    def _give_back(screen: Screen[Any], before: Widget | None) -> None:
        if before is None:
            return
        if before.is_attached and before in screen.focus_chain:
            if screen.focused is not before:
                screen.set_focus(before, scroll_visible=False)
            return
        default = getattr(screen, "focus_default", None)
        if callable(default):
            default()
