"""What a run of the sender did: the messages sent, refused, deferred or cancelled, and the
French lines that say it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.states import CredentialsState
from packweb_tui.domain.wording import plural


@dataclass(frozen=True, slots=True)
class Delivered:
    """A message the server has taken."""

    outbox_id: int
    kind: str
    to: str
    letter_id: int | None
    message_id: str


@dataclass(frozen=True, slots=True)
class Undelivered:
    """A message that did not go: refused, deferred or cancelled, and why."""

    outbox_id: int
    kind: str
    to: str
    letter_id: int | None
    reason: str  # French, with the server's words when it answered
    next_attempt_at: datetime | None = None  # deferred: when it is tried again


@dataclass
class DeliveryReport:
    """What a run of the sender did."""

    total: int = 0  # messages due when the run began
    sent: list[Delivered] = field(default_factory=list)
    failed: list[Undelivered] = field(default_factory=list)  # refused for good (5xx)
    deferred: list[Undelivered] = field(default_factory=list)  # tried again later
    cancelled: list[Undelivered] = field(default_factory=list)  # not to be sent any more
    error: str | None = None  # why the run stopped early: server unreachable, refused login...
    busy: bool = False  # another sender was at work: it sends them, nothing went wrong

    @property
    def done(self) -> int:
        return len(self.sent) + len(self.failed) + len(self.deferred) + len(self.cancelled)

    def summary(self) -> str:
        """One French line ("" when there was nothing to send and nothing went wrong)."""
        if not self.total:
            return _sentence(self.error) if self.error else ""
        parts = [
            f"{plural(len(self.sent), 'courriel envoyé', 'courriels envoyés')} sur {self.total}"
        ]
        if self.failed:
            parts.append(plural(len(self.failed), "refusé"))
        if self.deferred:
            parts.append(f"{len(self.deferred)} à réessayer plus tard")
        if self.cancelled:
            parts.append(plural(len(self.cancelled), "annulé"))
        if untouched := self.total - self.done:
            parts.append(plural(untouched, "non tenté", "non tentés"))
        line = ", ".join(parts) + "."
        return f"{line} {_sentence(self.error)}" if self.error else line

    def summary_lines(self) -> list[str]:
        """The summary, then a line for each message that did not go, and why."""
        if not self.total and not self.error:
            return ["Aucun courriel à envoyer."]
        lines = [self.summary()]
        for item in self.failed:
            lines.append(f"  échec n° {item.outbox_id} ({item.to}) : {item.reason}")
        for item in self.deferred[:20]:
            when = format_instant(item.next_attempt_at) if item.next_attempt_at else "?"
            lines.append(
                f"  n° {item.outbox_id} ({item.to}) : {item.reason} ; nouvel essai le {when}"
            )
        if len(self.deferred) > 20:
            lines.append(f"  … et {plural(len(self.deferred) - 20, 'autre')} à réessayer.")
        for item in self.cancelled:
            lines.append(f"  annulé n° {item.outbox_id} ({item.to}) : {item.reason}")
        return lines

    def letter_outcomes(self) -> dict[int, tuple[CredentialsState, str | None]]:
        """Letter id → its credentials' state after this run and the last error, for the
        letters it sent, or that were refused or put off (those cancelled are left out:
        another letter replaced them). What the store will say when read again."""
        outcomes: dict[int, tuple[CredentialsState, str | None]] = {
            item.letter_id: (CredentialsState.SENT, None)
            for item in self.sent
            if item.letter_id is not None
        }
        for items, state in (
            (self.failed, CredentialsState.FAILED),
            (self.deferred, CredentialsState.TO_SEND),
        ):
            for item in items:
                if item.letter_id is not None:
                    outcomes[item.letter_id] = (state, item.reason)
        return outcomes


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:] + ("" if words.endswith(".") else ".")
