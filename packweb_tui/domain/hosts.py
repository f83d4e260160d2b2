"""Hosts (hôtes): the people who eat at the canteen and hold a card."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

from packweb_tui.domain.errors import InputError
from packweb_tui.domain.names import fold_name

CARD_SUFFIX_LENGTH = 5


class HostKind(StrEnum):
    ELEVE = "eleve"
    COMMENSAL = "commensal"
    STAGIAIRE = "stagiaire"

    @property
    def label(self) -> str:
        return {"eleve": "Élève", "commensal": "Commensal", "stagiaire": "Stagiaire"}[self.value]


class HostMode(StrEnum):
    PREPAYE = "prepaye"
    FORFAIT = "forfait"

    @property
    def label(self) -> str:
        return {"prepaye": "Prépayé", "forfait": "Forfait"}[self.value]


_E = TypeVar("_E", bound=StrEnum)


def _choice(enum: type[_E], value: str, what: str) -> _E:
    key = fold_name(value).replace(" ", "_")
    for member in enum:
        if member.value == key:
            return member
    allowed = ", ".join(m.value for m in enum)
    if not value.strip():
        raise InputError(f"{what} vide ({allowed} attendu)")
    raise InputError(f"{what} « {value.strip()} » inconnu ({allowed} attendu)")


# A file of 100,000 rows spells its few types and modes the same way again and again.
@lru_cache(maxsize=256)
def parse_kind(value: str) -> HostKind:
    """`eleve`, `élève`, `Commensal`... → HostKind."""
    return _choice(HostKind, value, "type")


@lru_cache(maxsize=256)
def parse_mode(value: str) -> HostMode:
    """`prepaye`, `prépayé`, `forfait` → HostMode."""
    return _choice(HostMode, value, "mode")


def normalize_card(value: str) -> str:
    """A card number: 6 to 10 digits, kept as text (leading zeros matter)."""
    card = value.strip()
    if not card:
        raise InputError("numéro de carte vide")
    if not (card.isascii() and card.isdigit()) or not 6 <= len(card) <= 10:
        raise InputError(f"numéro de carte « {card} » invalide : 6 à 10 chiffres attendus")
    return card


def card_suffix(card: str) -> str:
    """The last five digits, which the requester types on the portal."""
    return card[-CARD_SUFFIX_LENGTH:]


@dataclass(frozen=True, slots=True)
class HostRecord:
    """One validated host as imported: identified by (uai, card)."""

    uai: str
    card: str
    last_name: str
    first_name: str
    kind: HostKind
    mode: HostMode
    class_name: str | None = None
    email: str | None = None
