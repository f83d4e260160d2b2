"""Dates and times for people: Europe/Paris, shown the French way (JJ/MM/AAAA HH:MM).
The store keeps instants in UTC; only the faces convert."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def format_instant(moment: datetime) -> str:
    """An aware instant as Paris time: ``02/09/2026 08:00``."""
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def format_day(day: date) -> str:
    return day.strftime("%d/%m/%Y")
