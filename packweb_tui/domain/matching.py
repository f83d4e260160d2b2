"""Matching an account request to the host it is for: the step the operator checks.

The rule that never breaks: a request is attached automatically only when exactly one host's
card ends with the typed digits and its folded names are equal to the request's (`exact`).
Everything else is shown to the operator, who decides by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class MatchKind(StrEnum):
    EXACT = "exact"
    PROBABLE = "probable"
    AMBIGUOUS = "ambiguous"
    MISMATCH = "mismatch"
    NONE = "none"
    DUPLICATE = "duplicate"
    HAS_ACCOUNT = "has_account"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    MatchKind.EXACT: "Exacte",
    MatchKind.PROBABLE: "Probable",
    MatchKind.AMBIGUOUS: "Ambiguë",
    MatchKind.MISMATCH: "Discordante",
    MatchKind.NONE: "Introuvable",
    MatchKind.DUPLICATE: "Doublon",
    MatchKind.HAS_ACCOUNT: "Déjà un compte",
}


@dataclass(frozen=True, slots=True)
class HostFacts:
    """What matching needs of a candidate host (names already folded)."""

    id: int
    card: str
    last_name: str
    first_name: str
    last_folded: str
    first_folded: str
    has_account: bool = False

    @property
    def display(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"


@dataclass(frozen=True, slots=True)
class MatchResult:
    kind: MatchKind
    candidates: tuple[HostFacts, ...]
    attached: HostFacts | None  # only ever set for `exact` and `has_account`
    explanation: str


def match_request(
    card_digits: str,
    last_folded: str,
    first_folded: str,
    display_name: str,
    candidates: Sequence[HostFacts],
    duplicate_of: str | None = None,
) -> MatchResult:
    """Classify a request against the hosts whose card ends with `card_digits`.
    `duplicate_of` describes an older pending request of the same person, if any."""
    found = tuple(sorted(candidates, key=lambda h: h.card))
    if duplicate_of is not None:
        return MatchResult(
            MatchKind.DUPLICATE,
            found,
            None,
            f"Même personne déjà en attente ({duplicate_of}) : "
            "la plus ancienne demande est gardée.",
        )
    if not found:
        return MatchResult(
            MatchKind.NONE,
            (),
            None,
            f"Aucun hôte de l'établissement n'a une carte finissant par {card_digits}.",
        )
    relations = [(h, names_relation(last_folded, first_folded, h)) for h in found]
    equal = [h for h, r in relations if r == "equal"]
    close = [h for h, r in relations if r == "close"]
    if len(equal) == 1:
        host = equal[0]
        if host.has_account:
            return MatchResult(
                MatchKind.HAS_ACCOUNT,
                (host,),
                host,
                f"{host.display} (carte {host.card}) a déjà un compte : proposer plutôt une "
                "réinitialisation du mot de passe.",
            )
        return MatchResult(
            MatchKind.EXACT,
            (host,),
            host,
            f"Carte {host.card} de {host.display} : nom et prénom identiques.",
        )
    fitting = equal or close
    if len(fitting) > 1:
        names = ", ".join(f"{h.display} ({h.card})" for h in fitting)
        return MatchResult(
            MatchKind.AMBIGUOUS,
            tuple(fitting),
            None,
            f"{len(fitting)} hôtes correspondent à …{card_digits} : {names}. À départager.",
        )
    if len(close) == 1:
        host = close[0]
        return MatchResult(
            MatchKind.PROBABLE,
            (host,),
            None,
            f"Carte {host.card} de {host.display} : noms proches de « {display_name} » "
            "mais pas identiques (faute de frappe, inversion, nom composé). À vérifier.",
        )
    owners = ", ".join(h.display for h in found)
    return MatchResult(
        MatchKind.MISMATCH,
        found,
        None,
        f"La carte …{card_digits} appartient à {owners}, pas à {display_name}.",
    )


def names_relation(last: str, first: str, host: HostFacts) -> str:
    """`equal`, `close` (typo, swapped fields, part of a compound name) or `different`."""
    if last == host.last_folded and first == host.first_folded:
        return "equal"
    if last == host.first_folded and first == host.last_folded:
        return "close"  # typed in the wrong fields
    if _close(last, host.last_folded) and _close(first, host.first_folded):
        return "close"
    return "different"


def _close(typed: str, known: str) -> bool:
    if typed == known or typed.replace(" ", "") == known.replace(" ", ""):
        return True
    typed_parts, known_parts = set(typed.split()), set(known.split())
    if typed_parts and known_parts and (typed_parts <= known_parts or known_parts <= typed_parts):
        return True  # "Marie" for "Marie Hélène", "Dupont" for "Dupont Moretti"
    return min(len(typed), len(known)) >= 4 and _within_one_edit(typed, known)


def _within_one_edit(a: str, b: str) -> bool:
    """One letter added, removed, replaced, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) <= 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
