"""The line of keys at the bottom of every screen, in the room there is: a hint is shown whole
or not at all. Textual's footer lays them all out and lets the last ones run under the
palette's key or off the screen ("^e Ét▏" at 80 columns)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import groupby
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.binding import Binding

HELP = "app.help"  # the key that lists every other: dropped last


@dataclass(frozen=True, slots=True)
class Hint:
    """One hint as Textual's footer draws it: a key and what it does, or a group of keys
    with one description (the tabs' 1 2 3 4 5)."""

    keys: tuple[tuple[Binding, bool, str], ...]  # (binding, enabled, tooltip)
    group: str | None = None  # the group's description

    def width(self, compact: bool) -> int:
        """Its cells in the footer: a key and its description, and a space after them
        (two when not compact); grouped keys one space apart, then their description."""
        displays = [binding.key_display or "" for binding, _, _ in self.keys]
        if self.group is not None:
            return sum(map(cell_len, displays)) + len(displays) + 1 + cell_len(self.group) + 1
        text = cell_len(displays[0]) + 1 + cell_len(self.keys[0][0].description)
        return text + (1 if compact else 2)


def keep(hints: list[Hint], room: int, compact: bool) -> list[Hint]:
    """The hints that fit whole in `room` cells, in their order. They are taken by rank,
    each if it still fits: help first (it lists the others), then as the footer orders them,
    the focused widget's before its pane's, the screen's and the app's."""
    ranked = sorted(range(len(hints)), key=lambda n: hints[n].keys[0][0].id != HELP)
    kept: set[int] = set()
    for n in ranked:
        if hints[n].width(compact) <= room:
            kept.add(n)
            room -= hints[n].width(compact)
    return [hint for n, hint in enumerate(hints) if n in kept]


class KeyFooter(Footer):
    """Textual's Footer keeping only the hints that fit whole; compact under 100 columns
    (one space less a hint: at 80 columns, the Demandes pane's keys all fit); the command
    palette's key, on the right, only if there is room left for it. (Binding groups are
    drawn as the tabs' is, not compact.)"""

    DEFAULT_CSS = """
    KeyFooter.-compact FooterLabel {
        margin: 0 1 0 0;  /* a group's description is not glued to the next key */
    }
    """
    COMPACT_UNDER = 100  # columns

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
        for _, binding, enabled, tooltip in active.values():
            if binding.show:
                by_action[binding.action].append((self._shown(binding), enabled, tooltip))
        hints: list[Hint] = []
        for group, same in groupby(by_action.values(), lambda keys: keys[0][0].group):
            actions = list(same)
            if group is not None and len(actions) > 1:
                hints.append(Hint(tuple(keys[0] for keys in actions), group.description))
            else:
                hints.extend(Hint((keys[0],)) for keys in actions)
        room = self.size.width or self.app.size.width
        self.compact = compact = room < self.COMPACT_UNDER
        hints = keep(hints, room, compact)
        room -= sum(hint.width(compact) for hint in hints)
        for hint in hints:
            if hint.group is None:
                yield self._key(*hint.keys[0])
                continue
            with KeyGroup():
                for binding, enabled, tooltip in hint.keys:
                    yield self._key(binding, enabled, tooltip or binding.description, grouped=True)
            yield FooterLabel(hint.group)
        found = active.get(self.app.COMMAND_PALETTE_BINDING)
        if found is None or not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return
        palette = self._shown(found.binding)
        # Docked on the right, a border before it: as wide as a hint that is not compact.
        if Hint(((palette, found.enabled, found.tooltip),)).width(compact=False) <= room:
            yield FooterKey(
                palette.key,
                palette.key_display or "",
                palette.description,
                palette.action,
                disabled=not found.enabled,
                tooltip=palette.tooltip or palette.description,
                classes="-command-palette",
            )

    def _shown(self, binding: Binding) -> Binding:
        """The binding with its key as the footer writes it (``^e``, ``Échap``)."""
        return replace(binding, key_display=self.app.get_key_display(binding))

    def _key(
        self, binding: Binding, enabled: bool, tooltip: str, grouped: bool = False
    ) -> FooterKey:
        key = FooterKey(
            binding.key,
            binding.key_display or "",
            "" if grouped else binding.description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip,
            classes="-grouped" if grouped else "",
        )
        return key.data_bind(compact=Footer.compact)

    def on_resize(self) -> None:
        # Another width, other hints: Textual's footer composes again only when the
        # bindings change.
        if self._bindings_ready:
            self.call_after_refresh(self.recompose)
