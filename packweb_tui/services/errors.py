"""Failures a service reports to its caller, in words an operator understands."""

from __future__ import annotations

from packweb_tui.domain.errors import InputError


class UnknownEstablishment(InputError):
    def __init__(self, uai: str, where: str | None = None) -> None:
        super().__init__(
            f"établissement {uai} inconnu : ajoutez-le avec "
            f"« packweb establishments add {uai} NOM »",
            where,
        )
        self.uai = uai


class OperationalError(RuntimeError):
    """Something outside the operator's input failed (server unreachable, disk full...)."""
