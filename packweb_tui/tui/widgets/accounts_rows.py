"""What the Identifiants list needs apart from drawing it: the words its filter searches, the
states a typed phrase names, and its sorts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from packweb_tui.domain.names import fold_name
from packweb_tui.domain.states import CredentialsState

if TYPE_CHECKING:
    from packweb_tui.services.letters import CredentialsRow


@dataclass(frozen=True, slots=True)
class Folded:
    """A row's texts folded once, at load, for the filter and the sorts."""

    rank: int  # its place as the store lists them: to deliver first (the sort by state)
    text: str  # login, holder and email: what the filter searches
    holder: str


def fold_rows(rows: Sequence[CredentialsRow]) -> dict[int, Folded]:
    """By account id."""
    return {
        row.account_id: Folded(
            n, fold_name(f"{row.login} {row.holder} {row.email}"), fold_name(row.holder)
        )
        for n, row in enumerate(rows)
    }


# --- the filter ------------------------------------------------------------------------------
_STATE_WORDS = {state: tuple(fold_name(state.short_label).split()) for state in CredentialsState}


def _states_named(run: Sequence[str]) -> frozenset[CredentialsState]:
    """The states whose words `run` stands for: the same words in a row, the last maybe
    begun only ("à env" → à envoyer). A word typed whole names its state alone: "envoyé" is
    not the beginning of "envoyer"."""

    def named(whole: bool) -> frozenset[CredentialsState]:
        found = set()
        for state, words in _STATE_WORDS.items():
            for start in range(len(words) - len(run) + 1):
                part = words[start : start + len(run)]
                last = part[-1] == run[-1] if whole else part[-1].startswith(run[-1])
                if part[:-1] == tuple(run[:-1]) and last:
                    found.add(state)
        return frozenset(found)

    return named(whole=True) or named(whole=False)


@dataclass(frozen=True, slots=True)
class Term:
    """Typed words taken together: found in a row's texts, or naming its state."""

    words: tuple[str, ...]
    states: frozenset[CredentialsState]

    def matches(self, row: CredentialsRow, text: str) -> bool:
        return row.state in self.states or all(word in text for word in self.words)


def terms(typed: str) -> list[Term]:
    """The words typed (folded), the longest runs that name states taken together: "à env"
    is one term, à envoyer, and not "à" anywhere and "env" in "envoyé"."""
    words = fold_name(typed).split()
    found: list[Term] = []
    start = 0
    while start < len(words):
        end = next(
            (e for e in range(len(words), start, -1) if _states_named(words[start:e])),
            start + 1,
        )
        run = words[start:end]
        found.append(Term(tuple(run), _states_named(run)))
        start = end
    return found


def matching(
    rows: Sequence[CredentialsRow], folded: Mapping[int, Folded], typed: str
) -> list[CredentialsRow]:
    """The rows that every term typed matches (accents and case aside)."""
    wanted = terms(typed)
    return [
        row
        for row in rows
        if all(term.matches(row, folded[row.account_id].text) for term in wanted)
    ]


# --- the sorts -------------------------------------------------------------------------------
# The columns `t` cycles through (the login only where it has its column), in this order.
SORTS = ("state", "login", "holder")
_SORT_KEYS: dict[str, Callable[[CredentialsRow, Folded], Any]] = {
    "state": lambda row, folded: folded.rank,
    "login": lambda row, folded: (row.login, folded.rank),
    "holder": lambda row, folded: (folded.holder, folded.rank),
}


def ordered(
    rows: Sequence[CredentialsRow], folded: Mapping[int, Folded], key: str, reverse: bool
) -> list[CredentialsRow]:
    sort_key = _SORT_KEYS[key]
    return sorted(rows, key=lambda row: sort_key(row, folded[row.account_id]), reverse=reverse)


def next_sort(key: str, with_login: bool) -> str:
    """The sort after `key`: the next column's (the login's only where it has its column)."""
    following = SORTS[SORTS.index(key) + 1 :] + SORTS
    return next(k for k in following if k != "login" or with_login)
