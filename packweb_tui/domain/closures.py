"""Closures of the portal: the dated ones ("Fermeture par périodes", both days included),
read from what people type and checked against each other, and, with the continuous closure
of the settings ("Fermeture continue"), what the portal shows on a given day. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from packweb_tui.domain.dates import format_day, parse_day
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.names import clean_text
from packweb_tui.domain.settings import PortalSettingsValues

LABEL_MAX = 100


def clean_label(text: str) -> str:
    """A closure's label as typed, tidied; InputError when too long."""
    label = clean_text(text)
    if len(label) > LABEL_MAX:
        raise InputError(f"{LABEL_MAX} caractères au plus")
    return label


@dataclass(frozen=True, slots=True)
class ClosurePeriod:
    """A dated closure, both days included."""

    starts_on: date
    ends_on: date
    label: str = ""
    block_payment: bool = True
    block_reservation: bool = True

    def overlaps(self, other: ClosurePeriod) -> bool:
        return self.starts_on <= other.ends_on and other.starts_on <= self.ends_on

    def is_over(self, today: date) -> bool:
        return self.ends_on < today

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def describe(self) -> str:
        """``« Noël » du 19/12/2026 au 04/01/2027`` (without a label: the dates alone)."""
        name = f"« {self.label} » " if self.label else ""
        return f"{name}du {format_day(self.starts_on)} au {format_day(self.ends_on)}"

    def blocks(self) -> str:
        """``paiement et réservation``, ``paiement``, ``réservation`` or ``rien``."""
        parts = [
            word
            for word, on in (
                ("paiement", self.block_payment),
                ("réservation", self.block_reservation),
            )
            if on
        ]
        return " et ".join(parts) or "rien"


def read_closure(
    starts_on: str,
    ends_on: str,
    label: str = "",
    block_payment: bool = True,
    block_reservation: bool = True,
) -> ClosurePeriod:
    """A closure from its typed parts; InputErrors naming each wrong part (located at
    ``du``, ``au``, ``libellé``)."""
    errors: list[InputError] = []
    days: list[date | None] = []
    for where, text in (("du", starts_on), ("au", ends_on)):
        try:
            days.append(parse_day(text))
        except InputError as error:
            errors.append(error.located(where))
            days.append(None)
    try:
        tidy = clean_label(label)
    except InputError as error:
        errors.append(error.located("libellé"))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)
    start, end = days
    assert start is not None and end is not None
    return ClosurePeriod(start, end, tidy, block_payment, block_reservation)


def closure_problems(
    period: ClosurePeriod,
    others: Iterable[ClosurePeriod],
    today: date,
    previous: ClosurePeriod | None = None,
) -> dict[str, str]:
    """What forbids `period` (a new one, or `previous` changed), by part: ``ends_on`` (before
    the start, already over), ``blocks`` (blocks nothing), ``period`` (overlaps another
    period, named; or `previous` is over and no longer changes). Empty when it may be saved."""
    problems: dict[str, str] = {}
    if previous is not None and previous.is_over(today):
        problems["period"] = "période terminée : elle ne se modifie plus"
        return problems
    if period.ends_on < period.starts_on:
        problems["ends_on"] = "la fin est avant le début"
    elif period.is_over(today):
        problems["ends_on"] = (
            "période déjà terminée : elle ne peut être créée"
            if previous is None
            else "la fin est déjà passée"
        )
    if not (period.block_payment or period.block_reservation):
        problems["blocks"] = "cochez au moins un blocage : paiement ou réservation"
    if period.ends_on >= period.starts_on:
        clash = next(
            (
                o
                for o in sorted(others, key=lambda o: (o.starts_on, o.ends_on))
                if period.overlaps(o)
            ),
            None,
        )
        if clash is not None:
            problems["period"] = f"chevauche la période {clash.describe()}"
    return problems


def check_closure(
    period: ClosurePeriod,
    others: Iterable[ClosurePeriod],
    today: date,
    previous: ClosurePeriod | None = None,
) -> None:
    """InputError with the first of `closure_problems`, if any, located at the period."""
    problems = closure_problems(period, others, today, previous)
    for key in ("period", "ends_on", "blocks"):
        if key in problems:
            raise InputError(problems[key], f"fermeture {period.describe()}")


# --- what the portal shows ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Block:
    """Why one function of the portal is closed: the rule, and until which day (included;
    None: until the switch is turned off)."""

    rule: str
    until: date | None


@dataclass(frozen=True, slots=True)
class PortalToday:
    """The portal on a given day: online payment and reservation, open or closed and why;
    the next dated closure to come."""

    day: date
    payment: Block | None
    reservation: Block | None
    next_closure: ClosurePeriod | None

    @property
    def open(self) -> bool:
        return self.payment is None and self.reservation is None

    def lines(self) -> list[str]:
        """In French, one line for each function, then the next closure if any."""
        out = [
            _block_line("Paiement en ligne", "ouvert", "fermé", self.payment),
            _block_line("Réservation en ligne", "ouverte", "fermée", self.reservation),
        ]
        if self.next_closure is not None:
            nxt = self.next_closure
            out.append(f"Prochaine fermeture : {nxt.describe()} ({nxt.blocks()})")
        return out


def _block_line(what: str, opened: str, closed: str, block: Block | None) -> str:
    if block is None:
        return f"{what} : {opened}"
    if block.until is None:
        return f"{what} : {closed} ({block.rule}, jusqu'à décocher la case)"
    return f"{what} : {closed} jusqu'au {format_day(block.until)} inclus ({block.rule})"


def portal_today(
    values: PortalSettingsValues, periods: Sequence[ClosurePeriod], today: date
) -> PortalToday:
    """What the portal shows on `today`: the continuous closure first, else the dated period
    running (its end carried over by the periods that follow it day after day)."""

    def block(continuous: bool, blocking: list[ClosurePeriod]) -> Block | None:
        if continuous:
            return Block("fermeture continue", None)
        current = next((p for p in blocking if p.covers(today)), None)
        if current is None:
            return None
        until, more = current.ends_on, 0
        for period in blocking:  # by date: those that follow on, day after day, one pass
            if period.starts_on <= until + timedelta(days=1) and period.ends_on > until:
                until, more = period.ends_on, more + 1
        name = f"« {current.label} »" if current.label else "fermeture par période"
        if more:
            name += f", puis {more} autre{'s' if more > 1 else ''} à la suite"
        return Block(name, until)

    ordered = sorted(periods, key=lambda p: (p.starts_on, p.ends_on))
    payment = block(values.block_online_payment, [p for p in ordered if p.block_payment])
    reservation = block(
        values.block_online_reservation, [p for p in ordered if p.block_reservation]
    )
    upcoming = next((p for p in ordered if p.starts_on > today), None)
    return PortalToday(today, payment, reservation, upcoming)
