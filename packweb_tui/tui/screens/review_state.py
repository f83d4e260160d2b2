"""Where a review of requests stands (tui/screens/review.py): its lines in order, the one on
screen, what became of each, and the summary at its end. No Textual here: the screen shows it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from packweb_tui.domain.decisions import REVIEWED_KINDS
from packweb_tui.domain.wording import agree, plural

if TYPE_CHECKING:
    from packweb_tui.services.pending import QueueRow


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    SKIPPED = "skipped"
    ELSEWHERE = "elsewhere"  # found decided when shown: by someone else, or before the review


@dataclass
class ReviewLine:
    request_id: int
    outcome: Outcome | None = None  # None: still to decide
    note: str = ""  # the login created, the reason of the rejection


def review_ids(rows: Iterable[QueueRow]) -> list[int]:
    """The lines that need an eye (not an `exact` match), in the order given."""
    return [row.id for row in rows if row.match_kind in REVIEWED_KINDS]


class Review:
    """The lines of a review and the one on screen. Moving on goes to the next line still to
    decide; going back visits each line, decided or not."""

    def __init__(self, request_ids: Sequence[int]) -> None:
        self.lines = [ReviewLine(i) for i in request_ids]
        self.index = 0

    @property
    def line(self) -> ReviewLine:
        return self.lines[self.index]

    @property
    def position(self) -> str:
        """``7 / 21``."""
        return f"{self.index + 1} / {len(self.lines)}"

    def next_open(self) -> int | None:
        """The next line after the one on screen still to decide; None at the end."""
        return next(
            (i for i in range(self.index + 1, len(self.lines)) if self.lines[i].outcome is None),
            None,
        )

    def open_ids(self) -> list[int]:
        """Every line still to decide (not skipped), the one on screen included."""
        return [line.request_id for line in self.lines if line.outcome is None]

    def decided(self, request_ids: Iterable[int], outcome: Outcome, note: str = "") -> None:
        wanted = set(request_ids)
        for line in self.lines:
            if line.request_id in wanted:
                line.outcome, line.note = outcome, note

    def count(self, outcome: Outcome) -> int:
        return sum(1 for line in self.lines if line.outcome is outcome)

    def tally(self) -> str:
        """``3 acceptées · 2 refusées · 1 passée``: what the review did so far."""
        parts = [
            plural(self.count(Outcome.APPROVED), "acceptée"),
            plural(self.count(Outcome.REJECTED), "refusée"),
        ]
        if skipped := self.count(Outcome.SKIPPED):
            parts.append(plural(skipped, "passée"))
        return " · ".join(parts)

    def summary_lines(self, credentials_key: str) -> list[str]:
        """What the review did, for its end; `credentials_key` opens the Identifiants tab."""
        created, rejected = self.count(Outcome.APPROVED), self.count(Outcome.REJECTED)
        skipped = self.count(Outcome.SKIPPED) + sum(1 for x in self.lines if x.outcome is None)
        elsewhere = self.count(Outcome.ELSEWHERE)
        lines = [
            f"Revue de {plural(len(self.lines), 'demande')} :",
            f"  • {plural(created, 'compte créé', 'comptes créés')}"
            + (
                f" : {agree(created, 'sa lettre attend', 'leurs lettres attendent')} dans "
                f"l'onglet Identifiants (touche {credentials_key})"
                if created
                else ""
            ),
            f"  • {plural(rejected, 'demande refusée', 'demandes refusées')}"
            + (
                f" : {agree(rejected, 'le demandeur', 'chaque demandeur')} prévenu par courriel "
                "(en file d'envoi)"
                if rejected
                else ""
            ),
            f"  • {plural(skipped, 'laissée', 'laissées')} en attente",
        ]
        if elsewhere:
            lines.append(f"  • {plural(elsewhere, 'déjà décidée', 'déjà décidées')} par ailleurs")
        return lines
