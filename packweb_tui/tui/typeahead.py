"""Keys typed ahead. Over SSH people type ahead: a key pressed while the console is still
acting on the one before (a dialog on its way, a change being written) must reach what that
key brings up, not the screen underneath, and none may be lost.

Every key from the terminal goes through the app's `TypeAhead` before Textual dispatches it.
It waits, in the order typed, while
- the key before it is still being acted on (until what it set going has had its turn);
- the screen on top is not ready (pushed, not yet mounted, its focus not yet set);
- the screen on top takes no keys (`takes_keys = False`: a progress bar; they are for what
  comes after it);
- work that holds the keys (`holds_keys`, `TypeAhead.wait_for`) is under way, unless a
  dialog it opened is up;
then it is sent again, and goes where the focus is by then."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Collection, Coroutine
from functools import partial, wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from textual import events
from textual.worker import WorkerState

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.message_pump import MessagePump
    from textual.screen import Screen
    from textual.worker import Worker

# Safeties, in seconds: a key whose handling never reports back, a screen that never gets
# ready, do not hold the keys behind them for good.
SETTLED_WITHIN = 0.5
READY_WITHIN = 2.0
QUIET_TURNS = 20  # turns of the event loop given to what a key set going

P = ParamSpec("P")
N = TypeVar("N", bound="DOMNode")
R = TypeVar("R")


class TypeAhead:
    """The keys of `app` that must wait (`keeps`), and when they go again. `passing`: keys
    never held (quitting works whatever happens)."""

    def __init__(self, app: App[Any], passing: Collection[str] = ()) -> None:
        self._app = app
        self._passing = frozenset(passing)
        self._waiting: deque[events.Key] = deque()
        self._resent: events.Key | None = None  # the key sent again, on its way
        self._in_hand: object | None = None  # the key being acted on (a token)
        self._ready: Screen[Any] | None = None  # the screen on top, once ready for keys
        self._works: dict[Worker[Any], frozenset[int]] = {}  # work → the screens under it
        self._tasks: set[asyncio.Task[None]] = set()

    # --- the keys ------------------------------------------------------------------------------
    def keeps(self, event: events.Key) -> bool:
        """Whether `event`, just come, must wait: then it is kept, to be sent again."""
        if event is self._resent:
            self._resent = None
            return False
        if event.key in self._passing:
            return False
        if self._waiting or self.holding:
            self._waiting.append(event)
            return True
        return False

    def handed(self, target: MessagePump) -> None:
        """A key was just handed to `target`: the next waits until it has been acted on,
        and what it set going (a binding's message bubbling up, a dialog dismissed and its
        callback, a worker started) has had its turn."""
        token = self._in_hand = object()
        handled = asyncio.Event()
        if not target.call_later(handled.set):  # after the key, in the target's own queue
            handled.set()

        async def settle() -> None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(handled.wait(), SETTLED_WITHIN)
            # Each turn of the loop lets every message pump take what was sent to it: the
            # chain of messages a key starts is a few hops long.
            for _ in range(QUIET_TURNS):
                await asyncio.sleep(0)
            self._settled(token)

        self._start(settle())

    @property
    def holding(self) -> bool:
        """Whether a key that came now would have to wait."""
        if self._in_hand is not None or self._resent is not None:
            return True
        try:
            screen = self._app.screen
        except Exception:  # no screen: the console is closing
            return False
        if screen is not self._ready or not getattr(screen, "takes_keys", True):
            return True
        # Work under way holds the keys unless it has put a dialog of its own on top.
        return any(id(screen) in under for under in self._works.values())

    def _settled(self, token: object) -> None:
        if self._in_hand is token:
            self._in_hand = None
            self._next()

    def _next(self) -> None:
        """Send the first key waiting again, once nothing holds it."""
        if self._waiting and not self.holding:
            kept = self._waiting.popleft()
            self._resent = events.Key(kept.key, kept.character)
            self._resent.set_sender(self._app)
            self._app.post_message(self._resent)

    # --- the screens ---------------------------------------------------------------------------
    def screen_changed(self, screen: Screen[Any]) -> None:
        """A screen came on top (pushed, or shown again): keys wait until it is ready."""
        self._ready = None
        ready = partial(self._screen_ready, screen)
        # After its mounting and its ScreenResume, already in its queue: its focus is set.
        if not screen.call_later(ready):
            ready()
        self._app.set_timer(READY_WITHIN, ready)

    def _screen_ready(self, screen: Screen[Any]) -> None:
        with contextlib.suppress(Exception):  # no screen: the console is closing
            if screen is self._app.screen and self._ready is not screen:
                self._ready = screen
                self._next()

    # --- work that holds the keys -------------------------------------------------------------
    def wait_for(self, worker: Worker[Any]) -> None:
        """Keys typed while `worker` runs wait for it to end, or for a dialog it opens."""
        self._works[worker] = frozenset(id(screen) for screen in self._app.screen_stack)

        async def watch() -> None:
            # Started, its task not yet run: it says "pending", and cannot be waited for.
            for _ in range(QUIET_TURNS):
                if worker.state is not WorkerState.PENDING:
                    break
                await asyncio.sleep(0)
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await worker.wait()
            self._works.pop(worker, None)
            self._next()

        self._start(watch())

    def _start(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)  # kept: the loop holds its tasks weakly
        task.add_done_callback(self._tasks.discard)


def type_ahead(node: DOMNode) -> TypeAhead:
    """The type-ahead of the console that `node` runs in."""
    found = getattr(node.app, "type_ahead", None)
    assert isinstance(found, TypeAhead), "only the PackWeb console has a type-ahead"
    return found


def holds_keys(
    start: Callable[Concatenate[N, P], Worker[R]],
) -> Callable[Concatenate[N, P], Worker[R]]:
    """For a method that starts a worker (under `@work`) whose outcome the next keys depend
    on (it opens a dialog, writes a change): keys typed meanwhile wait for it."""

    @wraps(start)
    def held(node: N, /, *args: P.args, **kwargs: P.kwargs) -> Worker[R]:
        worker = start(node, *args, **kwargs)
        type_ahead(node).wait_for(worker)
        return worker

    return held
