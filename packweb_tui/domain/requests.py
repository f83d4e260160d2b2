"""Account requests as they come from the portal's form (or a JSON file of the same items)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from packweb_tui.domain.emails import normalize_email
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.hosts import CARD_SUFFIX_LENGTH
from packweb_tui.domain.names import clean_text
from packweb_tui.domain.uai import normalize_uai

ANSWER_DELAY_HOURS = 48  # the school promises an answer within 48 hours


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"pending": "En attente", "approved": "Acceptée", "rejected": "Refusée"}[self.value]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One account request as submitted on the portal."""

    portal_id: str
    uai: str
    card_digits: str
    last_name: str
    first_name: str
    email: str
    submitted_at: datetime  # aware, UTC


def parse_request_item(item: Any) -> RequestRecord:
    """Validate one JSON item (`portal_id`, `uai`, `card_digits`, `last_name`, `first_name`,
    `email`, `submitted_at` ISO 8601 with offset)."""
    if not isinstance(item, dict):
        raise InputError("objet JSON attendu")

    def text(key: str) -> str:
        value = item.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InputError(f"champ « {key} » manquant ou vide")
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise InputError(f"champ « {key} » : texte attendu")
        return str(value).strip()

    digits = text("card_digits")
    if not (digits.isascii() and digits.isdigit()) or len(digits) != CARD_SUFFIX_LENGTH:
        raise InputError(f"card_digits « {digits} » invalide : 5 chiffres attendus")
    last_name, first_name = clean_text(text("last_name")), clean_text(text("first_name"))
    if not last_name or not first_name:
        raise InputError("nom et prénom du titulaire de la carte obligatoires")
    return RequestRecord(
        portal_id=text("portal_id")[:64],
        uai=normalize_uai(text("uai")),
        card_digits=digits,
        last_name=last_name[:100],
        first_name=first_name[:100],
        email=normalize_email(text("email")),
        submitted_at=parse_instant(text("submitted_at")),
    )


def parse_instant(value: str) -> datetime:
    """An ISO 8601 date and time with its offset, as UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"date « {value} » invalide : ISO 8601 attendu") from None
    if moment.tzinfo is None:
        raise InputError(f"date « {value} » sans fuseau horaire (+01:00, Z...)")
    return moment.astimezone(UTC)


def parse_request_items(items: Any, source: str) -> list[RequestRecord]:
    """Every item of a JSON array, or InputErrors naming each bad item by its position."""
    if not isinstance(items, list):
        raise InputErrors([InputError("un tableau JSON de demandes est attendu", source)])
    records: list[RequestRecord] = []
    errors: list[InputError] = []
    for index, item in enumerate(items, start=1):
        try:
            records.append(parse_request_item(item))
        except InputError as error:
            errors.append(error.located(f"{source}, demande n° {index}"))
    if errors:
        raise InputErrors(errors)
    return records
