"""What the console's parts share, handed down by the app: the store, the operator, the
clock, the configuration, the rows read ahead, the establishment at work and the keys as
bound. And the messages the parts send back up. A part reaches the context through
`console_context`, never by importing the app (which imports every part)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual.message import Message

from packweb_tui.tui.keymap import bound_keys
from packweb_tui.tui.keys import key_label

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.signal import Signal

    from packweb_tui.config import Config
    from packweb_tui.services.establishments import EstablishmentView
    from packweb_tui.services.pending import StartSnapshot
    from packweb_tui.store.database import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(eq=False)
class ConsoleContext:
    """Made by the app, which alone changes it: it opens and closes the store, and puts the
    establishment at work here before announcing it on `establishment_changed`."""

    operator: str
    config: Config
    first_read: Future[StartSnapshot | None]  # the queue read ahead (tui/startup.py)
    establishment_changed: Signal[EstablishmentView | None]
    keymap: Mapping[str, str] = field(default_factory=dict)  # [keys], checked (tui/keymap.py)
    demo: bool = False
    database: str = ""  # where the store is, as the operator reads it (a path, a URL)
    clock: Callable[[], datetime] = utc_now  # tests fix the time (ages in snapshots)
    db: Database | None = None  # None until the store is open, and once it is closed
    establishments: list[EstablishmentView] = field(default_factory=list)  # by UAI
    establishment: EstablishmentView | None = None  # the one at work

    def now(self) -> datetime:
        """The current instant, aware (UTC)."""
        return self.clock()

    def keys(self, binding_id: str) -> list[str]:
        """The keys of a binding as texts name them (``Ctrl+E``), the operator's own if the
        configuration gives it others."""
        return [key_label(key) for key in bound_keys(binding_id, self.keymap)]

    def key(self, binding_id: str) -> str:
        """The first key of a binding, as texts name it."""
        return self.keys(binding_id)[0]


def console_context(node: DOMNode) -> ConsoleContext:
    """The context of the console that `node` (a widget, a screen, the app) runs in."""
    context = getattr(node.app, "context", None)
    assert isinstance(context, ConsoleContext), "only the PackWeb console has a context"
    return context


class FirstReadDone(Message):
    """The rows read ahead are on screen (`shown`), or there were none: the store may open."""

    def __init__(self, shown: bool) -> None:
        super().__init__()
        self.shown = shown


class ChooseEstablishment(Message):
    """Work on `establishment` from now on (the app remembers it for the next session)."""

    def __init__(self, establishment: EstablishmentView) -> None:
        super().__init__()
        self.establishment = establishment
