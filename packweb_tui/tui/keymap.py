"""The console's keys by binding id. Every binding of ours has an id (``requests.approve``):
the configuration may give it other keys (``[keys]``, as Posting does), so that a terminal
that swallows a key is worked around without a change of code; and a text that names a key
finds it here, as bound, rather than writing it down."""

from __future__ import annotations

import difflib
import importlib
import inspect
import pkgutil
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, _character_to_key, key_to_character

from packweb_tui.domain.errors import InputError

if TYPE_CHECKING:
    from packweb_tui.config import Config

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
# The keys Textual names by a word ("f5", "pageup"), beside characters and their names.
_NAMED = {k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")}
_NAMED |= set(KEY_NAME_REPLACEMENTS.values())  # "slash", "minus"...


@cache
def binding_owners() -> tuple[type[DOMNode], ...]:
    """Every class of the console that declares BINDINGS, found by importing each module of
    packweb_tui.tui (a new screen needs no list to be kept up to date)."""
    package = importlib.import_module("packweb_tui.tui")
    owners = []
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(info.name)
        owners += [
            owner
            for owner in vars(module).values()
            if inspect.isclass(owner)
            and issubclass(owner, DOMNode)
            and owner.__module__ == module.__name__
            and "BINDINGS" in vars(owner)
        ]
    return tuple(owners)


@cache
def default_keys() -> dict[str, tuple[str, ...]]:
    """Binding id → its keys, as the code binds them."""
    found: dict[str, tuple[str, ...]] = {}
    for owner in binding_owners():
        for binding in Binding.make_bindings(owner.BINDINGS):
            if binding.id is not None:
                found[binding.id] = (*found.get(binding.id, ()), binding.key)
    return found


def bound_keys(binding_id: str, keymap: Mapping[str, str]) -> tuple[str, ...]:
    """The keys of binding `binding_id`: those of `keymap` (checked), else the code's."""
    if binding_id in keymap:
        return tuple(keymap[binding_id].split(","))
    return default_keys()[binding_id]


def textual_key(typed: str) -> str | None:
    """A key as typed in the configuration (``ctrl+e``, ``F2``, ``?``), as Textual names it
    (``question_mark``); None when it is no key."""
    *modifiers, name = [part.strip() for part in typed.split("+")]
    modifiers = [m.lower() for m in modifiers]
    if any(m not in MODIFIERS for m in modifiers) or not name:
        return None
    if len(name) > 1:
        name = name.lower()
    elif modifiers:
        name = name.lower()  # Ctrl+E is ctrl+e: the terminal sends no case with Ctrl
    if len(name) == 1:
        name = _character_to_key(name)  # as Textual's own keymap does: "?" → "question_mark"
    if name not in _NAMED and key_to_character(name) is None:
        return None
    return "+".join([*modifiers, name])


def keymap_of(config: Config) -> dict[str, str]:
    """The configuration's ``[keys]`` (binding id = keys, comma-separated), checked: an
    unknown id or key is an InputError naming the file and the entry."""
    where = str(config.path) if config.path else None
    if not config.keys:
        return {}
    known = default_keys()
    keymap: dict[str, str] = {}
    for binding_id, typed in config.keys.items():
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, known, n=1)
            hint = f" ({close[0]} ?)" if close else ""
            raise InputError(f"[keys] {binding_id} : identifiant inconnu{hint}", where)
        if not typed.strip():
            raise InputError(f"[keys] {binding_id} : aucune touche", where)
        names = []
        for key in typed.split(","):
            name = textual_key(key.strip())
            if name is None:
                raise InputError(f"[keys] {binding_id} : touche « {key.strip()} » inconnue", where)
            names.append(name)
        keymap[binding_id] = ",".join(names)
    return keymap
