"""Payments (encaissements): receipts that credit a host's account, whatever their method."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache

from packweb_tui.domain.errors import InputError
from packweb_tui.domain.names import fold_name


class PaymentMethod(StrEnum):
    EN_LIGNE = "en_ligne"
    ESPECES = "especes"
    CHEQUE = "cheque"
    CARTE_BANCAIRE = "carte_bancaire"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    PaymentMethod.EN_LIGNE: "Paiement en ligne",
    PaymentMethod.ESPECES: "Espèces",
    PaymentMethod.CHEQUE: "Chèque",
    PaymentMethod.CARTE_BANCAIRE: "Carte bancaire",
}


# Other spellings met in exports, folded (see fold_name), spaces as underscores.
_ALIASES = {
    "paiement_en_ligne": PaymentMethod.EN_LIGNE,
    "internet": PaymentMethod.EN_LIGNE,
    "espece": PaymentMethod.ESPECES,
    "cheques": PaymentMethod.CHEQUE,
    "cb": PaymentMethod.CARTE_BANCAIRE,
}


@lru_cache(maxsize=256)  # a file spells its few methods the same way on every row
def parse_method(value: str) -> PaymentMethod:
    """`en_ligne`, `En ligne`, `espèces`, `Chèque`, `CB`... → PaymentMethod."""
    key = fold_name(value).replace(" ", "_")
    for member in PaymentMethod:
        if member.value == key:
            return member
    if key in _ALIASES:
        return _ALIASES[key]
    allowed = ", ".join(m.value for m in PaymentMethod)
    if not key:
        raise InputError(f"moyen de paiement vide ({allowed} attendu)")
    raise InputError(f"moyen de paiement « {value.strip()} » inconnu ({allowed} attendu)")


class PaymentTarget(StrEnum):
    """What a payment credits: the host's own (prepaid) account, or its forfait."""

    SELF = "self"
    FORFAIT = "forfait"


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """One validated receipt as imported: identified by (uai, method, transaction_id)."""

    uai: str
    card: str
    paid_at: datetime  # aware, UTC
    amount_cents: int
    method: PaymentMethod
    transaction_id: str
