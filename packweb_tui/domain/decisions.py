"""The operator's decisions on account requests: which requests may be approved, why the
others are left aside, and what a rejected requester is told."""

from __future__ import annotations

from enum import StrEnum

from packweb_tui.domain.errors import InputError
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.names import clean_text
from packweb_tui.domain.requests import RequestStatus
from packweb_tui.domain.wording import plural


class SkipReason(StrEnum):
    """Why a selected request was left as it was."""

    DECIDED = "decided"  # no longer pending when the operator ran the action
    TAKEN = "taken"  # decided by someone else between the reading and the writing
    CHANGED = "changed"  # still pending but changed meanwhile (attached host, match)
    NOT_CONFIRMED = "not_confirmed"
    HAS_ACCOUNT = "has_account"
    SAME_HOST = "same_host"  # another selected request for the same host comes first

    @property
    def label(self) -> str:
        return _SKIP_LABELS[self]

    def counted(self, count: int) -> str:
        """« 2 demandes : l'hôte a déjà un compte… »: how many requests were left for this
        reason, read as a count (never « 2 l'hôte a déjà un compte »)."""
        return f"{plural(count, 'demande')} : {self.label}"


_SKIP_LABELS = {
    SkipReason.DECIDED: "déjà acceptée ou refusée",
    SkipReason.TAKEN: "traitée entre-temps par un autre opérateur",
    SkipReason.CHANGED: "modifiée entre-temps, à revoir",
    SkipReason.NOT_CONFIRMED: "rapprochement ni exact ni confirmé à la main",
    SkipReason.HAS_ACCOUNT: "l'hôte a déjà un compte (proposer « mot de passe oublié »)",
    SkipReason.SAME_HOST: "même hôte qu'une demande plus ancienne de la sélection",
}


# The one rule of which requests may be approved, written once: `approval_obstacle` below,
# and its SQL twin `APPROVABLE` (services/decisions/selection.py), built from these two
# constants; a test checks on both engines that the two select the same requests.
UNDECIDED = RequestStatus.PENDING  # the only status a decision applies to
# The match kinds that attach a host without an operator's hand: the rule that never breaks.
CONFIRMING_KINDS = frozenset({MatchKind.EXACT})


def approval_obstacle(
    status: RequestStatus,
    match_kind: MatchKind,
    host_id: int | None,
    attached_by: str | None,
    host_has_account: bool,
) -> SkipReason | None:
    """None if the request may get an account now, else why not. Approvable: pending, with
    a host that has no account yet, attached either by an `exact` match or by an operator's
    hand; never a host the store guessed (the rule that never breaks)."""
    if status is not UNDECIDED:
        return SkipReason.DECIDED
    if host_id is not None and host_has_account:
        return SkipReason.HAS_ACCOUNT
    if host_id is None or (match_kind not in CONFIRMING_KINDS and not attached_by):
        return SkipReason.NOT_CONFIRMED
    return None


# The usual reasons, offered first; the operator may type another.
REJECTION_REASONS = (
    "Carte inconnue de l'établissement",
    "Nom ou prénom ne correspondant pas au titulaire de la carte",
    "Demande en double",
    "Un compte existe déjà pour cette carte : utilisez « mot de passe oublié »",
    "Adresse email invalide ou incomplète",
)
REJECTION_REASON_MAX = 500

# The requests an operator must look at one by one (the console's review): every kind but
# those that attach a host without a hand.
REVIEWED_KINDS = frozenset(MatchKind) - CONFIRMING_KINDS
# The usual reason that fits each of them, offered first when one is rejected.
KIND_REASONS = {
    MatchKind.MISMATCH: REJECTION_REASONS[1],  # the card is another pupil's
    MatchKind.PROBABLE: REJECTION_REASONS[1],
    MatchKind.AMBIGUOUS: REJECTION_REASONS[1],
    MatchKind.NONE: REJECTION_REASONS[0],
    MatchKind.DUPLICATE: REJECTION_REASONS[2],
    MatchKind.HAS_ACCOUNT: REJECTION_REASONS[3],
}


def reason_for(kind: MatchKind, host_has_account: bool = False) -> str:
    """The usual reason that fits a request of `kind`; that of an existing account when the
    host it would be approved for already has one (whatever the kind)."""
    if host_has_account:
        return KIND_REASONS[MatchKind.HAS_ACCOUNT]
    return KIND_REASONS.get(kind, REJECTION_REASONS[1])


# The kinds whose match alone says why the request cannot be approved as it stands (no
# host of that card and names, an older request kept, an account already there): the review
# may reject all those left at once, each with its kind's reason. A `probable` or `ambiguous`
# request always waits for a person's choice.
SETTLED_KINDS = frozenset(
    {MatchKind.MISMATCH, MatchKind.NONE, MatchKind.DUPLICATE, MatchKind.HAS_ACCOUNT}
)


def check_rejection_reason(reason: str) -> str:
    """The reason as it will be stored and sent (single spaces, no control characters);
    InputError if it is empty or too long."""
    text = clean_text(reason)
    if not text:
        raise InputError("motif de refus vide : il est envoyé au demandeur, il est obligatoire")
    if len(text) > REJECTION_REASON_MAX:
        raise InputError(
            f"motif de refus trop long ({len(text)} caractères, {REJECTION_REASON_MAX} au plus)"
        )
    return text


def rejection_message(
    establishment: str,
    last_name: str,
    first_name: str,
    card_digits: str,
    reason: str,
    contact_email: str | None = None,
) -> tuple[str, str]:
    """Subject and plain-text body of the email telling a requester their request was
    rejected. Nothing the requester typed goes into the subject (a header)."""
    school = clean_text(establishment)
    subject = f"Demande de compte non acceptée — {school}"
    contact = f" ({contact_email})" if contact_email else ""
    body = (
        "Bonjour,\n"
        "\n"
        "Vous avez demandé l'ouverture d'un compte sur l'espace numérique de la cantine "
        f"({school}) pour {clean_text(first_name)} {clean_text(last_name).upper()} "
        f"(carte se terminant par {card_digits}).\n"
        "\n"
        "Cette demande n'a pas pu être acceptée, pour le motif suivant :\n"
        f"{clean_text(reason)}\n"
        "\n"
        "Si vous pensez qu'il s'agit d'une erreur, vous pouvez déposer une nouvelle demande "
        f"sur le portail ou vous adresser à l'établissement{contact}.\n"
        "\n"
        "Cordialement,\n"
        f"Le service de restauration — {school}\n"
        + (
            "\nVous pouvez répondre à ce courriel : votre réponse parviendra à l'établissement.\n"
            if contact_email
            else "\nCe message est envoyé automatiquement, merci de ne pas y répondre.\n"
        )
    )
    return subject, body
