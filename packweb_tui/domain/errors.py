"""Errors about bad input, each saying what is wrong and where."""

from __future__ import annotations

from collections.abc import Sequence

from packweb_tui.domain.wording import plural


class InputError(ValueError):
    """One bad value: `message` says what, `where` says where (a file and line, a field)."""

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def located(self, where: str) -> InputError:
        """The same error, placed at `where` (kept if already placed)."""
        return self if self.where else InputError(self.message, where)

    def __str__(self) -> str:
        return f"{self.where} : {self.message}" if self.where else self.message


class InputErrors(ValueError):
    """Several bad rows of one file: all are reported, nothing is written."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        super().__init__(plural(len(errors), "erreur"))
        self.errors = list(errors)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
