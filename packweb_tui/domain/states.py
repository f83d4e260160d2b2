"""The states things go through: an account's credentials, a letter, an email of the outbox,
a receivable's avis, a synchronisation. Each state's value is what the store keeps (never
change one: rows hold it); `label` is its French wording, where people see the state."""

from __future__ import annotations

from enum import StrEnum


class CredentialsState(StrEnum):
    """Where a portal account's credentials are: to send, sent by email, failed, printed."""

    TO_SEND = "to_send"
    SENT = "sent"
    FAILED = "failed"
    PRINTED = "printed"

    @property
    def label(self) -> str:
        return _CREDENTIALS_LABELS[self][0]

    @property
    def short_label(self) -> str:
        """The same in a few letters, for a narrow column (the letter's state in a list)."""
        return _CREDENTIALS_LABELS[self][1]


_CREDENTIALS_LABELS = {
    CredentialsState.TO_SEND: ("identifiants à envoyer", "à envoyer"),
    CredentialsState.SENT: ("identifiants envoyés", "envoyé"),
    CredentialsState.FAILED: ("échec d'envoi", "échec"),
    CredentialsState.PRINTED: ("identifiants imprimés", "imprimé"),
}


class LetterState(StrEnum):
    """A credentials letter: pending while it holds a plain password, then delivered (sent,
    printed) or voided; failed when its email could not go."""

    PENDING = "pending"
    SENT = "sent"
    PRINTED = "printed"
    FAILED = "failed"
    VOID = "void"


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"  # not to be sent: its letter went on paper, or was voided

    @property
    def label(self) -> str:
        return _OUTBOX_LABELS[self]


_OUTBOX_LABELS = {
    OutboxStatus.QUEUED: "en file",
    OutboxStatus.SENT: "envoyé",
    OutboxStatus.FAILED: "échec",
    OutboxStatus.CANCELLED: "annulé",
}


class OutboxKind(StrEnum):
    """What an email of the outbox is (the store keeps the value as plain text)."""

    LETTER = "letter"  # a credentials letter, its PDF attached
    REJECTION = "rejection"  # a requester told why the request was rejected
    DIGEST = "digest"  # the establishment's requests address told of new requests

    @property
    def label(self) -> str:
        return _OUTBOX_KIND_LABELS[self]

    @classmethod
    def label_of(cls, kind: str) -> str:
        """The French word of a stored kind (the value itself for one this version does not
        know, written by a newer one)."""
        try:
            return cls(kind).label
        except ValueError:
            return kind


_OUTBOX_KIND_LABELS = {
    OutboxKind.LETTER: "lettre",
    OutboxKind.REJECTION: "refus",
    OutboxKind.DIGEST: "récapitulatif",
}


class AvisState(StrEnum):
    """A receivable's avis détaillé: the portal asks for payment only once it is validated."""

    NONE = "none"
    DRAFT = "draft"
    VALIDATED = "validated"


class SyncStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _SYNC_LABELS[self]


_SYNC_LABELS = {
    SyncStatus.RUNNING: "en cours",
    SyncStatus.OK: "réussie",
    SyncStatus.FAILED: "échouée",
}
